import type { EventTypes, RolloutEvent } from '@rollout-ledger/contracts';

// Test-only builders for the specs of this lib (not exported from index.ts).
const GROUP = 'g-1';

export function started(attempt: number, overrides: Partial<EventTypes['RolloutStarted']> = {}): RolloutEvent {
  const rollout_id = overrides.rollout_id ?? `r-${attempt}`;
  return {
    type: 'RolloutStarted',
    data: {
      event_id: `start-${rollout_id}`,
      rollout_id,
      group_id: GROUP,
      run_id: 'run-1',
      occurred_at: 1_000 + attempt,
      task_id: 'airline-3',
      domain: 'airline',
      group_size: 4,
      policy_version: 10,
      attempt,
      system_prompt: null,
      tools: '[]',
      user_simulator: null,
      sampling: null,
      labels: {},
      ...overrides,
    },
  };
}

export function completed(rollout_id: string, overrides: Partial<EventTypes['RolloutCompleted']> = {}): RolloutEvent {
  return {
    type: 'RolloutCompleted',
    data: {
      event_id: `done-${rollout_id}`,
      rollout_id,
      group_id: GROUP,
      run_id: 'run-1',
      occurred_at: 2_000,
      termination_reason: 'user_stop',
      num_turns: 6,
      final_state_hash: 'h',
      duration_ms: 1_000,
      ...overrides,
    },
  };
}

export function rewarded(rollout_id: string, reward: number, overrides: Partial<EventTypes['RewardAssigned']> = {}): RolloutEvent {
  return {
    type: 'RewardAssigned',
    data: {
      event_id: `reward-${rollout_id}-${overrides.source ?? 'online'}-${overrides.reward_fn ?? 'db-hash'}`,
      rollout_id,
      group_id: GROUP,
      run_id: 'run-1',
      occurred_at: 2_100,
      reward,
      components: { db_match: reward },
      reward_fn: 'db-hash',
      reward_fn_version: '1',
      source: 'online',
      details: null,
      ...overrides,
    },
  };
}

/** A whole rollout: started, completed, rewarded. */
export function rollout(attempt: number, reward: number, overrides: { policy_version?: number; termination_reason?: string } = {}): RolloutEvent[] {
  const id = `r-${attempt}`;
  return [
    started(attempt, overrides.policy_version === undefined ? {} : { policy_version: overrides.policy_version }),
    completed(id, overrides.termination_reason === undefined ? {} : { termination_reason: overrides.termination_reason }),
    rewarded(id, reward),
  ];
}
