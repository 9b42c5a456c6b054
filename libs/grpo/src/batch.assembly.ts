import { ValidationError } from '@rollout-ledger/contracts';
import type { ReadyGroup } from './group-decision.types';

export interface AssembledBatch {
  /** Sorted by group_id; members inside each by attempt, then rollout_id. */
  readonly groups: readonly ReadyGroup[];
  readonly group_ids: readonly string[];
  /** In member order: group by group, attempt by attempt. */
  readonly rollout_ids: readonly string[];
  readonly min_policy_version: number;
  readonly max_policy_version: number;
}

export interface BatchPlan {
  /** Null until batchGroups groups are ready. */
  readonly batch: AssembledBatch | null;
  /** Ready groups left for the next batch, first-ready first. */
  readonly rest: readonly ReadyGroup[];
}

/**
 * Takes the batchGroups groups that became ready first (ready_at, then group_id) — so no group waits
 * behind later ones and the choice does not depend on the order the caller holds them in.
 */
export function assembleBatch(readyGroups: readonly ReadyGroup[], batchGroups: number): BatchPlan {
  if (!(Number.isInteger(batchGroups) && batchGroups >= 1)) {
    throw new ValidationError(`batchGroups must be an integer ≥ 1, got ${batchGroups}`, [{ path: 'batchGroups', reason: 'must be an integer ≥ 1' }]);
  }
  const queue = [...readyGroups].sort((a, b) => a.ready_at - b.ready_at || compareIds(a.group_id, b.group_id));
  if (queue.length < batchGroups) return { batch: null, rest: queue };
  const groups = queue.slice(0, batchGroups).sort((a, b) => compareIds(a.group_id, b.group_id));
  const versions = groups.flatMap((g) => g.members.map((m) => m.policy_version));
  return {
    batch: {
      groups,
      group_ids: groups.map((g) => g.group_id),
      rollout_ids: groups.flatMap((g) => g.members.map((m) => m.rollout_id)),
      min_policy_version: Math.min(...versions),
      max_policy_version: Math.max(...versions),
    },
    rest: queue.slice(batchGroups),
  };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
