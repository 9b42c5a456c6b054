import { computeAdvantages, type AdvantageMode } from '@rollout-ledger/grpo';
import { toOpenAIMessages, toTokenSequence, type RewardSelector, type Trajectory } from '@rollout-ledger/trajectory';
import { chosenReward } from './reward-choice';

export interface RlRow {
  readonly rollout_id: string;
  readonly run_id: string | null;
  readonly group_id: string | null;
  readonly task_id: string | null;
  readonly domain: string | null;
  readonly policy_version: number | null;
  readonly attempt: number | null;
  readonly reward: number | null;
  readonly reward_fn: string | null;
  readonly reward_fn_version: string | null;
  readonly reward_source: string | null;
  readonly advantage: number | null;
  readonly advantage_mode: AdvantageMode;
  readonly rewards: ReadonlyArray<{ reward_fn: string; reward_fn_version: string; source: string; reward: number; components: Readonly<Record<string, number>> }>;
  readonly termination_reason: string | null;
  readonly num_turns: number | null;
  readonly messages: readonly unknown[];
  readonly tools: readonly unknown[];
  readonly token_ids: readonly number[] | null;
  readonly logprobs: readonly number[] | null;
  readonly loss_mask: readonly number[] | null;
}

/**
 * One row per trajectory of a group. Advantages are computed with libs/grpo over the members of
 * the group that are in the export and have the selected reward (score = that reward); members
 * without it get reward and advantage null rather than a made-up 0.
 */
export function rlRows(group: readonly Trajectory[], selector: RewardSelector, mode: AdvantageMode): RlRow[] {
  const rewards = group.map((trajectory) => chosenReward(trajectory, selector));
  const scored = rewards.flatMap((reward) => (reward === null ? [] : [reward.reward]));
  const advantages = scored.length > 0 ? computeAdvantages(mode, scored) : [];
  let next = 0;
  return group.map((trajectory, index) => {
    const reward = rewards[index] ?? null;
    const advantage = reward === null ? null : (advantages[next++] ?? null);
    const tokens = toTokenSequence(trajectory);
    return {
      rollout_id: trajectory.rollout_id,
      run_id: trajectory.run_id,
      group_id: trajectory.group_id,
      task_id: trajectory.task_id,
      domain: trajectory.domain,
      policy_version: trajectory.policy_version,
      attempt: trajectory.attempt,
      reward: reward?.reward ?? null,
      reward_fn: reward?.reward_fn ?? null,
      reward_fn_version: reward?.reward_fn_version ?? null,
      reward_source: reward?.source ?? null,
      advantage,
      advantage_mode: mode,
      rewards: trajectory.rewards.map((r) => ({
        reward_fn: r.reward_fn,
        reward_fn_version: r.reward_fn_version,
        source: r.source,
        reward: r.reward,
        components: r.components,
      })),
      termination_reason: trajectory.termination_reason,
      num_turns: trajectory.num_turns,
      messages: toOpenAIMessages(trajectory),
      tools: trajectory.tools,
      token_ids: tokens?.token_ids ?? null,
      logprobs: tokens?.logprobs ?? null,
      loss_mask: tokens?.loss_mask ?? null,
    };
  });
}
