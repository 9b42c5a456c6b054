import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventType, EventTypes, RolloutEvent, TypedEvent } from '@rollout-ledger/contracts';

/** The hand-written sample files under test/fixtures. */
export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');
export const TAU_BENCH_FIXTURE = join(FIXTURES, 'tau-bench-retail.json');
export const TAU2_FIXTURE = join(FIXTURES, 'tau2-airline-results.json');

export function fixtureText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function ofType<T extends EventType>(events: readonly TypedEvent[], type: T): EventTypes[T][] {
  return events.filter((e) => e.type === type).map((e) => e.data as EventTypes[T]);
}

/** Rollout events grouped by rollout_id, in order. */
export function byRollout(events: readonly TypedEvent[]): Map<string, RolloutEvent[]> {
  const map = new Map<string, RolloutEvent[]>();
  for (const event of events) {
    if (event.type === 'TaskDefined' || event.type === 'BatchAssembled') continue;
    const list = map.get(event.data.rollout_id) ?? [];
    list.push(event as RolloutEvent);
    map.set(event.data.rollout_id, list);
  }
  return map;
}
