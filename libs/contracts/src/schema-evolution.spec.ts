import { Type } from 'avsc';
import { exampleEvents } from './example-events';
import { loadSchemas } from './event-schemas';

type Field = { name: string; [k: string]: unknown };
const withoutFields = (schema: object, names: readonly string[]): object => {
  const copy = JSON.parse(JSON.stringify(schema)) as { fields: Field[] };
  copy.fields = copy.fields.filter((f) => !names.includes(f.name));
  return copy;
};

// The registry enforces BACKWARD compatibility: a consumer on the current schema must read every
// event written with an older one. These tests do that read with avsc's resolver, the same way
// EventSerde does with the writer schema fetched from the registry by id.
describe('schema evolution', () => {
  const current = loadSchemas();
  const examples = exampleEvents();

  it('reads a TurnRecorded written before the token-level fields existed, with their defaults', () => {
    const optional = ['token_ids', 'logprobs', 'policy_version', 'usage'];
    const previous = Type.forSchema(withoutFields(current.TurnRecorded, optional) as never);
    const reader = Type.forSchema(current.TurnRecorded as never);
    const { token_ids, logprobs, policy_version, usage, ...old } = examples.TurnRecorded;
    void [token_ids, logprobs, policy_version, usage];

    const written = previous.toBuffer(old);
    const read = reader.fromBuffer(written, reader.createResolver(previous)) as Record<string, unknown>;

    expect(read).toEqual({ ...old, token_ids: null, logprobs: null, policy_version: null, usage: null });
  });

  it('reads defaults for a newly added array and map (RolloutStarted.labels, BatchAssembled.group_ids)', () => {
    const reader = Type.forSchema(current.RolloutStarted as never);
    const previous = Type.forSchema(withoutFields(current.RolloutStarted, ['labels']) as never);
    const { labels, ...old } = examples.RolloutStarted;
    void labels;
    const read = reader.fromBuffer(previous.toBuffer(old), reader.createResolver(previous)) as Record<string, unknown>;
    expect(read.labels).toEqual({});

    const batchReader = Type.forSchema(current.BatchAssembled as never);
    const batchPrevious = Type.forSchema(withoutFields(current.BatchAssembled, ['group_ids']) as never);
    const { group_ids, ...oldBatch } = examples.BatchAssembled;
    void group_ids;
    const batch = batchReader.fromBuffer(batchPrevious.toBuffer(oldBatch), batchReader.createResolver(batchPrevious));
    expect((batch as Record<string, unknown>).group_ids).toEqual([]);
  });

  it('cannot resolve a writer that lacks a field the reader has without a default (what the registry refuses)', () => {
    const previous = Type.forSchema(withoutFields(current.TurnRecorded, ['trainable']) as never);
    const reader = Type.forSchema(current.TurnRecorded as never);
    expect(() => reader.createResolver(previous)).toThrow(/trainable/);
  });

  it('reads an event written with the current schema by a reader that dropped a field (forward direction)', () => {
    const writer = Type.forSchema(current.ToolCallRecorded as never);
    const older = Type.forSchema(withoutFields(current.ToolCallRecorded, ['turn_index']) as never);
    const read = older.fromBuffer(writer.toBuffer(examples.ToolCallRecorded), older.createResolver(writer)) as Record<string, unknown>;
    expect(read).not.toHaveProperty('turn_index');
    expect(read.tool_call_id).toBe('call_1');
  });
});
