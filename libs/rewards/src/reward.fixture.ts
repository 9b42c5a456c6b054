import type { RolloutEvent, TaskDefined } from '@rollout-ledger/contracts';
import { buildTrajectory, type Trajectory } from '@rollout-ledger/trajectory';

// Test-only builders for the specs of this lib (not exported from index.ts).

/** tau2-bench airline task 3's evaluation_criteria, verbatim, plus the hash a TaskDefined adds. */
export const airlineTask3Evaluation = {
  actions: [
    { action_id: '3_0', name: 'get_reservation_details', arguments: { reservation_id: 'JMO1MG' }, info: null },
    { action_id: '3_1', name: 'get_user_details', arguments: { user_id: 'anya_garcia_5901' }, info: null },
  ],
  communicate_info: ['4'],
  nl_assertions: [
    'Agent detects that user is actually a Silver member.',
    'Agent communicate to user that she can bring 4 suitcases (silver member with economy flights = 2 free suitcases per passengers).',
  ],
  reward_basis: ['DB', 'COMMUNICATE'],
  expected_state_hash: 'hash-ok',
};

export function taskDefined(evaluation: unknown, task_id = '3'): TaskDefined {
  return { event_id: 'task-e', task_id, domain: 'airline', description: null, user_instruction: null, evaluation: JSON.stringify(evaluation), occurred_at: 1 };
}

const envelope = { rollout_id: 'r-1', group_id: 'g-1', run_id: 'run-1' };

export function trajectoryWith(finalStateHash: string | null, assistantSays: readonly string[], numTurns: number | null = null): Trajectory {
  const turns: RolloutEvent[] = assistantSays.map((content, turn_index) => ({
    type: 'TurnRecorded',
    data: {
      ...envelope,
      event_id: `t-${turn_index}`,
      occurred_at: 10 + turn_index,
      turn_index,
      role: 'assistant',
      content,
      tool_calls: [],
      tool_call_id: null,
      name: null,
      trainable: true,
      token_ids: null,
      logprobs: null,
      policy_version: null,
      usage: null,
    },
  }));
  const done: RolloutEvent = {
    type: 'RolloutCompleted',
    data: { ...envelope, event_id: 'done', occurred_at: 100, termination_reason: 'user_stop', num_turns: numTurns ?? assistantSays.length, final_state_hash: finalStateHash, duration_ms: null },
  };
  return buildTrajectory([...turns, done]);
}
