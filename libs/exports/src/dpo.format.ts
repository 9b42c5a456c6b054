import { toOpenAIMessages, type OpenAIMessage, type RewardSelector, type Trajectory } from '@rollout-ledger/trajectory';
import { chosenReward } from './reward-choice';

/**
 * A preference pair from one group: the highest-reward trajectory (chosen) against the lowest
 * (rejected), in TRL's conversational preference format. `prompt` is the conversation both share
 * (system prompt, first user message…) and chosen/rejected continue from there. Ties at the top
 * or bottom are broken by rollout_id so the file is reproducible; a group whose best and worst
 * rewards are equal carries no preference and yields nothing, as does a pair whose conversations
 * do not differ.
 */
export function dpoRecord(group: readonly Trajectory[], selector: RewardSelector): Record<string, unknown> | null {
  const scored = group
    .flatMap((trajectory) => {
      const reward = chosenReward(trajectory, selector);
      return reward === null ? [] : [{ trajectory, reward: reward.reward }];
    })
    .sort((a, b) => b.reward - a.reward || compare(a.trajectory.rollout_id, b.trajectory.rollout_id));
  if (scored.length < 2) return null;
  const best = scored[0] as (typeof scored)[number];
  const worst = scored.at(-1) as (typeof scored)[number];
  if (best.reward === worst.reward) return null;
  const chosenMessages = toOpenAIMessages(best.trajectory);
  const rejectedMessages = toOpenAIMessages(worst.trajectory);
  const shared = commonPrefixLength(chosenMessages, rejectedMessages);
  if (shared === chosenMessages.length || shared === rejectedMessages.length) return null;
  return {
    prompt: chosenMessages.slice(0, shared),
    chosen: chosenMessages.slice(shared),
    rejected: rejectedMessages.slice(shared),
    tools: best.trajectory.tools,
    group_id: best.trajectory.group_id,
    task_id: best.trajectory.task_id,
    chosen_rollout_id: best.trajectory.rollout_id,
    rejected_rollout_id: worst.trajectory.rollout_id,
    chosen_reward: best.reward,
    rejected_reward: worst.reward,
  };
}

function commonPrefixLength(a: readonly OpenAIMessage[], b: readonly OpenAIMessage[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && JSON.stringify(a[shared]) === JSON.stringify(b[shared])) shared++;
  return shared;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
