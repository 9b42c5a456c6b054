import type { AdvantageMode } from './advantage-mode';

export type GroupFilterReason = 'zero_variance' | 'stale' | 'excluded_termination' | 'timeout_dropped';

export interface ReadyMember {
  readonly rollout_id: string;
  readonly attempt: number;
  readonly task_id: string;
  readonly policy_version: number;
  readonly reward: number;
  readonly advantage: number;
  /** The RewardAssigned the reward came from, for audits. */
  readonly reward_event_id: string;
}

export interface PendingGroup {
  readonly status: 'pending';
  readonly group_id: string;
  readonly complete: number;
  /** The group's size G; null until a RolloutStarted has arrived. */
  readonly expected: number | null;
}

export interface ReadyGroup {
  readonly status: 'ready';
  readonly group_id: string;
  readonly run_id: string | null;
  readonly task_id: string;
  readonly domain: string;
  readonly group_size: number;
  readonly advantage_mode: AdvantageMode;
  /** True when emitted after the timeout or with members removed, with fewer than group_size members. */
  readonly partial: boolean;
  /** Sorted by attempt, then rollout_id. */
  readonly members: readonly ReadyMember[];
  /** Members removed for an excluded termination reason. */
  readonly excluded_rollout_ids: readonly string[];
  /**
   * When it became ready, from event times (or first event + timeout for a partial group), so
   * batches can be filled first-ready-first without reading a clock.
   */
  readonly ready_at: number;
}

export interface FilteredGroup {
  readonly status: 'filtered';
  readonly group_id: string;
  readonly reason: GroupFilterReason;
  /** Human-readable account for the audit trail. */
  readonly message: string;
  readonly rollout_ids: readonly string[];
}

export type GroupDecision = PendingGroup | ReadyGroup | FilteredGroup;
