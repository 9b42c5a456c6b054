import {
  ROLLOUT_EVENT_TYPES,
  ValidationError,
  isEventType,
  validateEvent,
  type EventType,
  type FieldIssue,
  type TypedEvent,
} from '@rollout-ledger/contracts';
import type { IngestItem } from './ingest-body.parser';
import { UnknownEventTypeError } from './ingest.errors';

/**
 * What rollout workers and importers may send. BatchAssembled is left out on purpose: only the
 * GRPO assembler publishes batches, and a forged one would hand trainers data nobody assembled.
 */
export const INGEST_EVENT_TYPES = [...ROLLOUT_EVENT_TYPES, 'TaskDefined'] as const satisfies readonly EventType[];
export type IngestEventType = (typeof INGEST_EVENT_TYPES)[number];

/** A problem of one event: its index in the request, its NDJSON line, the field path and why. */
export interface IngestIssue extends FieldIssue {
  readonly line?: number;
}

const ENVELOPE_FIELDS = new Set(['type', 'data']);
const SHOWN_ISSUES = 5;

function isIngestType(name: string): name is IngestEventType {
  return (INGEST_EVENT_TYPES as readonly string[]).includes(name);
}

/**
 * Checks every envelope `{"type": "<EventType>", "data": {...}}` against the Avro schema of its
 * type and returns the events, or throws one error listing every problem (event index, NDJSON
 * line, field path, reason): a batch is accepted whole or not at all.
 */
export function validateEnvelopes(items: readonly IngestItem[]): TypedEvent<IngestEventType>[] {
  if (items.length === 0) {
    throw new ValidationError('No events in the body; nothing was published', [{ path: '', reason: 'expected at least one event' }]);
  }
  const issues: IngestIssue[] = [];
  let unknownType = false;
  const events = items.map((item, index) => {
    const found = envelopeIssues(item.envelope);
    if (found.unknownType) unknownType = true;
    for (const issue of found.issues) issues.push({ index, ...(item.line === undefined ? {} : { line: item.line }), ...issue });
    return found.event;
  });
  if (issues.length === 0) return events as TypedEvent<IngestEventType>[];
  const message = describe(issues, items.length);
  throw unknownType ? new UnknownEventTypeError(message, issues) : new ValidationError(message, issues);
}

interface EnvelopeCheck {
  readonly issues: readonly { path: string; reason: string }[];
  readonly event?: TypedEvent;
  readonly unknownType?: boolean;
}

function envelopeIssues(envelope: unknown): EnvelopeCheck {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { issues: [{ path: '', reason: `expected an envelope {"type": "<EventType>", "data": {...}}, got ${describeValue(envelope)}` }] };
  }
  const record = envelope as Record<string, unknown>;
  const issues: { path: string; reason: string }[] = [];
  for (const key of Object.keys(record)) {
    if (ENVELOPE_FIELDS.has(key)) continue;
    issues.push({ path: key, reason: key === 'event_type' ? 'unknown envelope field; name the event type in "type"' : 'unknown envelope field (an envelope has only "type" and "data")' });
  }
  const type = record.type;
  if (typeof type !== 'string') {
    issues.push({ path: 'type', reason: `expected the event type (one of ${INGEST_EVENT_TYPES.join(', ')}), got ${describeValue(type)}` });
    return { issues };
  }
  if (!isIngestType(type)) {
    const why = isEventType(type) ? `${type} is not accepted by the ingest gateway` : `unknown event type ${JSON.stringify(type)}`;
    issues.push({ path: 'type', reason: `${why}; known types: ${INGEST_EVENT_TYPES.join(', ')}` });
    return { issues, unknownType: true };
  }
  for (const issue of validateEvent(type, record.data)) {
    issues.push({ path: issue.path ? `data.${issue.path}` : 'data', reason: issue.reason });
  }
  return { issues, event: { type, data: record.data } as TypedEvent };
}

function describe(issues: readonly IngestIssue[], total: number): string {
  const bad = new Set(issues.map((issue) => issue.index)).size;
  const shown = issues.slice(0, SHOWN_ISSUES).map((issue) => {
    const where = `event ${issue.index}${issue.line === undefined ? '' : ` (line ${issue.line})`}`;
    return `${where}${issue.path ? ` ${issue.path}` : ''}: ${issue.reason}`;
  });
  const more = issues.length > SHOWN_ISSUES ? `; … and ${issues.length - SHOWN_ISSUES} more (see issues)` : '';
  return `${bad} of ${total} events invalid, nothing was published: ${shown.join('; ')}${more}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
