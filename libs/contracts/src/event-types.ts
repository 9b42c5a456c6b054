import { ValidationError } from './errors';
import type { EventType, RolloutEventType } from './events';

/** Avro namespace of every event schema (`schemas/*.avsc`). */
export const EVENT_NAMESPACE = 'rolloutledger.events';

/** Every event type, in a stable order (the order of the schema files in the docs). */
export const EVENT_TYPES = [
  'RolloutStarted',
  'TurnRecorded',
  'ToolCallRecorded',
  'RewardAssigned',
  'RolloutCompleted',
  'TaskDefined',
  'BatchAssembled',
] as const satisfies readonly EventType[];

export const ROLLOUT_EVENT_TYPES = [
  'RolloutStarted',
  'TurnRecorded',
  'ToolCallRecorded',
  'RewardAssigned',
  'RolloutCompleted',
] as const satisfies readonly RolloutEventType[];

// Compile-time proof that EVENT_TYPES lists every key of EventTypes (an added event must be listed).
type Missing = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const everyEventListed: Missing extends never ? true : Missing = true;
void everyEventListed;

export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name);
}

export function isRolloutEventType(name: string): name is RolloutEventType {
  return (ROLLOUT_EVENT_TYPES as readonly string[]).includes(name);
}

/**
 * The event type named by `name`: a bare name (`TurnRecorded`) or the Avro full name
 * (`rolloutledger.events.TurnRecorded`). Throws a ValidationError listing the known types.
 */
export function parseEventType(name: unknown): EventType {
  const prefix = `${EVENT_NAMESPACE}.`;
  const bare = typeof name === 'string' && name.startsWith(prefix) ? name.slice(prefix.length) : name;
  if (typeof bare === 'string' && isEventType(bare)) return bare;
  const known = EVENT_TYPES.join(', ');
  throw new ValidationError(`Unknown event type ${JSON.stringify(name)}; known types: ${known}`, [
    { path: 'type', reason: `expected one of ${known}, got ${JSON.stringify(name)}` },
  ]);
}
