import { exampleEvents, isLedgerError } from '@rollout-ledger/contracts';
import { parseIngestBody } from './ingest-body.parser';
import { INGEST_EVENT_TYPES, validateEnvelopes } from './ingest-envelope.validation';

const e = exampleEvents();

function rejection(fn: () => unknown): { code: string; message: string; issues: unknown } {
  try {
    fn();
  } catch (error) {
    if (!isLedgerError(error)) throw error;
    return { code: error.code, message: error.message, issues: error.details };
  }
  throw new Error('expected a rejection');
}

describe('parseIngestBody', () => {
  it('takes one envelope, an array, or NDJSON (blank lines and CRLF ignored, lines remembered)', () => {
    expect(parseIngestBody({ type: 'TurnRecorded', data: {} })).toEqual([{ envelope: { type: 'TurnRecorded', data: {} } }]);
    expect(parseIngestBody([1, 2])).toEqual([{ envelope: 1 }, { envelope: 2 }]);
    expect(parseIngestBody('{"a":1}\r\n\n{"b":2}\n')).toEqual([
      { envelope: { a: 1 }, line: 1 },
      { envelope: { b: 2 }, line: 3 },
    ]);
  });

  it('names the NDJSON line that is not JSON', () => {
    const error = rejection(() => parseIngestBody('{"a":1}\n{oops}\n'));
    expect(error.code).toBe('MALFORMED_JSON');
    expect(error.message).toMatch(/^NDJSON line 2 is not valid JSON: /);
  });

  it('refuses a missing body', () => {
    expect(rejection(() => parseIngestBody(undefined)).code).toBe('VALIDATION_FAILED');
  });
});

describe('validateEnvelopes', () => {
  it('returns typed events for valid envelopes of every accepted type', () => {
    const items = INGEST_EVENT_TYPES.map((type) => ({ envelope: { type, data: e[type] } }));
    expect(validateEnvelopes(items).map((event) => event.type)).toEqual(INGEST_EVENT_TYPES);
  });

  it('lists every problem with the event index, NDJSON line and field path', () => {
    const turn = { ...e.TurnRecorded, tool_calls: [{ id: 'c', name: 'n', arguments: { x: 1 } }] };
    const error = rejection(() =>
      validateEnvelopes([
        { envelope: { type: 'RolloutStarted', data: e.RolloutStarted }, line: 1 },
        { envelope: { type: 'TurnRecorded', data: turn }, line: 2 },
        { envelope: { type: 'RolloutCompleted', data: { ...e.RolloutCompleted, num_turns: 'nine' } }, line: 4 },
      ]),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues).toEqual([
      { index: 1, line: 2, path: 'data.tool_calls[0].arguments', reason: 'expected string, got an object' },
      { index: 2, line: 4, path: 'data.num_turns', reason: 'expected int (32-bit integer), got string "nine"' },
    ]);
    expect(error.message).toContain('2 of 3 events invalid, nothing was published');
    expect(error.message).toContain('event 1 (line 2) data.tool_calls[0].arguments: expected string');
  });

  it('refuses a reward that JSON parsing turned into Infinity (1e999), naming the field', () => {
    const envelope: unknown = JSON.parse(`{"type": "RewardAssigned", "data": ${JSON.stringify(e.RewardAssigned).replace(/"reward":[^,]+/, '"reward":1e999')}}`);
    const error = rejection(() => validateEnvelopes([{ envelope }]));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues).toEqual([{ index: 0, path: 'data.reward', reason: 'must be a finite number, got Infinity' }]);
  });

  it('refuses unknown types and BatchAssembled with EVENT_TYPE_UNKNOWN, listing what is accepted', () => {
    const unknown = rejection(() => validateEnvelopes([{ envelope: { type: 'Nope', data: {} } }]));
    expect(unknown.code).toBe('EVENT_TYPE_UNKNOWN');
    expect(unknown.message).toContain(`unknown event type "Nope"; known types: ${INGEST_EVENT_TYPES.join(', ')}`);
    const batch = rejection(() => validateEnvelopes([{ envelope: { type: 'BatchAssembled', data: e.BatchAssembled } }]));
    expect(batch.message).toContain('BatchAssembled is not accepted by the ingest gateway');
  });

  it('keeps one envelope form: extra fields such as event_type are refused', () => {
    const error = rejection(() => validateEnvelopes([{ envelope: { event_type: 'TurnRecorded', data: e.TurnRecorded } }]));
    expect(error.issues).toEqual([
      { index: 0, path: 'event_type', reason: 'unknown envelope field; name the event type in "type"' },
      { index: 0, path: 'type', reason: expect.stringContaining('expected the event type') },
    ]);
  });

  it('refuses an empty batch and a non-object item', () => {
    expect(rejection(() => validateEnvelopes([])).message).toContain('No events');
    expect(rejection(() => validateEnvelopes([{ envelope: 'x' }])).issues).toEqual([
      { index: 0, path: '', reason: 'expected an envelope {"type": "<EventType>", "data": {...}}, got string "x"' },
    ]);
  });
});
