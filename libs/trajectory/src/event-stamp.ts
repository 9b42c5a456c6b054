import type { EventStamp } from './trajectory.types';

/**
 * Total order on events: later occurred_at wins, event_id breaks ties. Resolving every conflict with
 * "the greater stamp wins" makes each fold step commutative and idempotent, which is what lets the
 * projection converge whatever order Kafka (or a replay) delivers events in.
 */
export function compareStamps(a: EventStamp, b: EventStamp): number {
  if (a.occurred_at !== b.occurred_at) return a.occurred_at < b.occurred_at ? -1 : 1;
  if (a.event_id === b.event_id) return 0;
  return a.event_id < b.event_id ? -1 : 1;
}

export function isNewer(candidate: EventStamp, current: EventStamp | null): boolean {
  return current === null || compareStamps(candidate, current) > 0;
}
