import { ValidationError } from '@rollout-ledger/contracts';
import { toOpenAIMessages, toTokenSequence, type OpenAIMessage, type Trajectory } from '@rollout-ledger/trajectory';
import type { AssembledBatch } from './batch.assembly';
import type { ReadyMember } from './group-decision.types';

/** One row of a GRPO batch payload. */
export interface BatchMember {
  readonly rollout_id: string;
  readonly group_id: string;
  readonly task_id: string;
  readonly policy_version: number;
  readonly attempt: number | null;
  readonly reward: number;
  readonly advantage: number;
  readonly messages: readonly OpenAIMessage[];
  readonly tools: readonly unknown[];
  readonly token_ids?: readonly number[];
  readonly logprobs?: readonly number[];
  readonly loss_mask?: readonly number[];
}

export interface ScoredRollout {
  readonly reward: number;
  readonly advantage: number;
  /** When given, must be the trajectory's rollout. */
  readonly rollout_id?: string;
}

export function buildBatchMember(trajectory: Trajectory, scored: ScoredRollout): BatchMember {
  if (scored.rollout_id !== undefined && scored.rollout_id !== trajectory.rollout_id) {
    throw new ValidationError(`advantage of ${scored.rollout_id} given with trajectory ${trajectory.rollout_id}`, [
      { path: 'rollout_id', reason: `expected ${trajectory.rollout_id}` },
    ]);
  }
  const missing = [
    trajectory.group_id === null ? 'group_id' : null,
    trajectory.task_id === null ? 'task_id' : null,
    trajectory.policy_version === null ? 'policy_version' : null,
  ].filter((field): field is string => field !== null);
  if (missing.length > 0) {
    throw new ValidationError(`trajectory ${trajectory.rollout_id} has no RolloutStarted yet`, missing.map((path) => ({ path, reason: 'missing' })));
  }
  const tokens = toTokenSequence(trajectory);
  return {
    rollout_id: trajectory.rollout_id,
    group_id: trajectory.group_id as string,
    task_id: trajectory.task_id as string,
    policy_version: trajectory.policy_version as number,
    attempt: trajectory.attempt,
    reward: scored.reward,
    advantage: scored.advantage,
    messages: toOpenAIMessages(trajectory),
    tools: trajectory.tools,
    ...(tokens === null ? {} : { token_ids: tokens.token_ids, loss_mask: tokens.loss_mask }),
    ...(tokens?.logprobs ? { logprobs: tokens.logprobs } : {}),
  };
}

/** Every member of a batch in batch order; a trajectory the lookup lacks is an error, not a gap. */
export function buildBatchMembers(batch: AssembledBatch, trajectoryOf: (rolloutId: string) => Trajectory | undefined): BatchMember[] {
  return batch.groups.flatMap((group) =>
    group.members.map((member: ReadyMember) => {
      const trajectory = trajectoryOf(member.rollout_id);
      if (trajectory === undefined) {
        throw new ValidationError(`no trajectory for rollout ${member.rollout_id} of group ${group.group_id}`, [
          { path: 'rollout_id', reason: 'trajectory not found' },
        ]);
      }
      return buildBatchMember(trajectory, member);
    }),
  );
}
