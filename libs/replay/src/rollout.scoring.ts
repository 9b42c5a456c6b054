import { LedgerError, type RewardAssigned } from '@rollout-ledger/contracts';
import { formatRewardFnRef, toRewardAssigned, type RewardFunction, type RewardResult, type TaskGroundTruth } from '@rollout-ledger/rewards';
import { rewardOf, type Trajectory } from '@rollout-ledger/trajectory';
import { replayEventId } from './replay-event-id';
import { rewardFnFailure } from './replay.errors';
import type { TaskCatalog } from './task-catalog';

/** What the "before" side of the report is: the online reward, or another function's. */
export type ReplayBaseline =
  | { readonly kind: 'online' }
  /** The recorded reward of `ref` (any source); scored with `fn` when none was recorded and `fn` is known. */
  | { readonly kind: 'reward-fn'; readonly ref: string; readonly fn: RewardFunction | null };

export type SkipReason = 'incomplete' | 'no-start' | 'unknown-task' | 'invalid-task' | 'invalid-input';

/** new: to publish; present: this exact event is already in the stream; conflict: same id, other content. */
export type Publication = 'new' | 'present' | 'conflict';

export type RolloutOutcome =
  | {
      readonly status: 'scored';
      readonly rollout_id: string;
      readonly task_id: string;
      readonly domain: string;
      readonly before: number | null;
      readonly after: number;
      readonly event: RewardAssigned;
      readonly publication: Publication;
    }
  | {
      readonly status: 'skipped';
      readonly rollout_id: string;
      readonly task_id: string | null;
      readonly domain: string | null;
      readonly reason: SkipReason;
      readonly detail: string;
    };

/**
 * Scores one rebuilt trajectory with `fn` and builds its RewardAssigned(source=replay). Everything
 * in the event derives from the input — the id from rollout + function + version, occurred_at from
 * the rollout's completion — so the same input always yields the same bytes.
 */
export async function scoreRollout(trajectory: Trajectory, tasks: TaskCatalog, fn: RewardFunction, baseline: ReplayBaseline): Promise<RolloutOutcome> {
  const { rollout_id, task_id, domain } = trajectory;
  const skip = (reason: SkipReason, detail: string): RolloutOutcome => ({ status: 'skipped', rollout_id, task_id, domain, reason, detail });
  if (trajectory.status !== 'completed' || trajectory.completed_at === null) return skip('incomplete', 'no RolloutCompleted in the range read');
  if (task_id === null || trajectory.group_id === null || trajectory.run_id === null) return skip('no-start', 'no RolloutStarted in the range read');
  const task = tasks.lookup(task_id);
  if (task === undefined) return skip('unknown-task', `task ${task_id} has no TaskDefined`);
  if (typeof task === 'string') return skip('invalid-task', task);

  const ref = formatRewardFnRef(fn);
  const result = await safeScore(fn, ref, trajectory, task);
  if (typeof result === 'string') return skip('invalid-input', result);
  const eventId = replayEventId(rollout_id, fn.name, fn.version);
  let event: RewardAssigned;
  try {
    event = toRewardAssigned(trajectory, fn, result, { event_id: eventId, occurred_at: trajectory.completed_at, source: 'replay' });
  } catch (error) {
    if (error instanceof LedgerError && !error.retriable) return skip('invalid-input', error.message);
    throw error;
  }
  return {
    status: 'scored',
    rollout_id,
    task_id,
    domain: task.domain,
    before: await baselineOf(trajectory, task, baseline),
    after: event.reward,
    event,
    publication: publicationOf(trajectory, event),
  };
}

// A non-retriable typed error is a problem of this rollout's input (RewardInputError, a service
// answering 4xx): skip it and say why. Anything else stops the replay, which is safe to rerun.
async function safeScore(fn: RewardFunction, ref: string, trajectory: Trajectory, task: TaskGroundTruth): Promise<RewardResult | string> {
  try {
    return await fn.score(trajectory, task);
  } catch (error) {
    if (error instanceof LedgerError && !error.retriable) return error.message;
    throw rewardFnFailure(ref, trajectory.rollout_id, error);
  }
}

async function baselineOf(trajectory: Trajectory, task: TaskGroundTruth, baseline: ReplayBaseline): Promise<number | null> {
  if (baseline.kind === 'online') return rewardOf(trajectory)?.reward ?? null;
  const [name, version] = baseline.ref.split('@');
  const recorded = rewardOf(trajectory, { reward_fn: name, reward_fn_version: version, source: 'any' });
  if (recorded !== null) return recorded.reward;
  if (baseline.fn === null) return null;
  const result = await safeScore(baseline.fn, baseline.ref, trajectory, task);
  return typeof result === 'string' ? null : result.reward;
}

function publicationOf(trajectory: Trajectory, event: RewardAssigned): Publication {
  if (!trajectory.seen_event_ids.includes(event.event_id)) return 'new';
  const existing = trajectory.rewards.find((reward) => reward.event_id === event.event_id);
  if (existing === undefined) return 'present';
  const same =
    existing.reward === event.reward &&
    existing.details === event.details &&
    existing.occurred_at === event.occurred_at &&
    sameComponents(existing.components, event.components);
  return same ? 'present' : 'conflict';
}

function sameComponents(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
