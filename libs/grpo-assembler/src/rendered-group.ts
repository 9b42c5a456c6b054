import { ValidationError, type RolloutEvent } from '@rollout-ledger/contracts';
import { buildBatchMember, type ReadyGroup } from '@rollout-ledger/grpo';
import { trajectoriesOf } from './group-trajectories';
import { memberLineTail, renderMember, type PayloadRow } from './batch-payload';

/** One member of a ready group as its batch payload needs it: its Parquet row (scalars for the batch's rows too), and its encoded JSONL line without the batch id. */
export interface RenderedMember {
  readonly row: PayloadRow;
  /** Its JSONL line after the batch id, encoded (batch-payload memberLineTail). */
  readonly tail: Buffer;
}

/**
 * A ready group's payload rows, rendered once. Rendering (trajectories, token sequences, JSON) is
 * most of a batch's cost; done when the group becomes ready, the batch that takes its last group
 * only joins strings, so that cost is no longer between the last reward and the lease.
 */
export interface RenderedGroup {
  /** The decision it was rendered for: a re-evaluation that changes a reward or advantage misses. */
  readonly key: string;
  readonly members: readonly RenderedMember[];
}

export function renderKey(group: ReadyGroup): string {
  return JSON.stringify(group.members);
}

/** The rows of a ready group, in its member order, from the group's buffered events. */
export function renderGroup(group: ReadyGroup, events: readonly RolloutEvent[]): RenderedGroup {
  const trajectories = trajectoriesOf(events);
  const members = group.members.map((scored) => {
    const trajectory = trajectories.get(scored.rollout_id);
    if (trajectory === undefined) {
      throw new ValidationError(`no trajectory for rollout ${scored.rollout_id} of group ${group.group_id}`, [{ path: 'rollout_id', reason: 'trajectory not found' }]);
    }
    const { row, json } = renderMember(buildBatchMember(trajectory, scored));
    return { row, tail: memberLineTail(json) };
  });
  return { key: renderKey(group), members };
}
