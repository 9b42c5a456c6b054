import type { RewardSource } from '@rollout-ledger/contracts';
import type { EventStamp } from '@rollout-ledger/trajectory';

export interface GroupMemberStart extends EventStamp {
  readonly task_id: string;
  readonly domain: string;
  readonly group_size: number;
  readonly policy_version: number;
  readonly attempt: number;
}

export interface GroupMemberCompletion extends EventStamp {
  readonly termination_reason: string;
}

export interface GroupReward extends EventStamp {
  readonly reward: number;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: RewardSource;
}

export interface GroupMember {
  readonly rollout_id: string;
  readonly start: GroupMemberStart | null;
  readonly completion: GroupMemberCompletion | null;
  /** One per (reward_fn, reward_fn_version, source), sorted by that key. */
  readonly rewards: readonly GroupReward[];
}

/** What the assembler knows of one GRPO group; built by folding the group's rollout events. */
export interface GroupState {
  readonly group_id: string;
  readonly run_id: string | null;
  /** Keyed by rollout_id, keys sorted. */
  readonly members: Readonly<Record<string, GroupMember>>;
  /** Earliest occurred_at of any applied event: the group's timeout clock starts here. */
  readonly first_event_at: number | null;
  /** Latest occurred_at of any applied event. */
  readonly last_event_at: number | null;
  readonly seen_event_ids: readonly string[];
}
