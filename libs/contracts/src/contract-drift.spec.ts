import { contractDrift } from './contract-drift';
import { EVENT_FIELD_SPECS } from './event-field-specs';
import { loadSchemas } from './event-schemas';
import { EVENT_NAMESPACE, EVENT_TYPES } from './event-types';

// The compile-time half of this check lives in event-field-specs.ts (`satisfies RecordSpec<…>`):
// `npm run typecheck` fails when an interface in events.ts gains, loses or retypes a field.
// This spec is the runtime half: the same specs against the .avsc files.

const schemas = loadSchemas();
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
type MutableSchema = { fields: { name: string; type: unknown; default?: unknown; doc?: string }[] };

describe('event contract: TypeScript interfaces ⇄ schemas/*.avsc', () => {
  it.each(EVENT_TYPES)('%s matches its TypeScript interface field for field', (type) => {
    expect(contractDrift(EVENT_FIELD_SPECS[type], schemas[type])).toEqual([]);
  });

  it('lists exactly one schema file per event type, all in one namespace', () => {
    expect(Object.keys(schemas).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(schemas[type].namespace).toBe(EVENT_NAMESPACE);
  });

  it('documents every record, enum and field', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}|${i}`));
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if ((n.type === 'record' || n.type === 'enum') && !n.doc) undocumented.push(`${at} (${String(n.name)})`);
      if (n.type === 'record') {
        for (const f of n.fields as Record<string, unknown>[]) {
          if (!f.doc) undocumented.push(`${at}.${String(f.name)}`);
          visit(f.type, `${at}.${String(f.name)}`);
        }
      }
      visit(n.items, `${at}[]`);
      visit(n.values, `${at}{}`);
    };
    for (const type of EVENT_TYPES) visit(schemas[type], type);
    expect(undocumented).toEqual([]);
  });

  describe('the comparison catches drift on the Avro side', () => {
    const spec = EVENT_FIELD_SPECS.TurnRecorded;

    it('a field removed from the schema', () => {
      const s = clone(schemas.TurnRecorded) as unknown as MutableSchema;
      s.fields = s.fields.filter((f) => f.name !== 'trainable');
      expect(contractDrift(spec, s)).toEqual(['trainable: in TypeScript, missing from the Avro schema']);
    });

    it('a field added to the schema', () => {
      const s = clone(schemas.TurnRecorded) as unknown as MutableSchema;
      s.fields.push({ name: 'reasoning', type: ['null', 'string'], default: null, doc: 'x' });
      expect(contractDrift(spec, s)).toEqual(['reasoning: in the Avro schema, missing from TypeScript']);
    });

    it('nullability, base type, nested field and enum symbol changes', () => {
      const s = clone(schemas.TurnRecorded) as unknown as MutableSchema;
      const field = (name: string) => s.fields.find((f) => f.name === name)!;
      field('content').type = 'string';
      delete field('content').default;
      field('turn_index').type = 'long';
      const toolCall = (field('tool_calls').type as { items: MutableSchema }).items;
      toolCall.fields = toolCall.fields.filter((f) => f.name !== 'arguments');
      (field('role').type as { symbols: string[] }).symbols.pop();
      expect(contractDrift(spec, s)).toEqual([
        'turn_index: int in TypeScript spec, long in Avro',
        'role: enum symbols system|user|assistant|tool vs system|user|assistant',
        'content: nullable in TypeScript only',
        'tool_calls[].arguments: in TypeScript, missing from the Avro schema',
      ]);
    });

    it('a missing default on an optional field and a lost timestamp logical type', () => {
      const s = clone(schemas.TurnRecorded) as unknown as MutableSchema;
      delete s.fields.find((f) => f.name === 'token_ids')!.default;
      delete s.fields.find((f) => f.name === 'tool_calls')!.default;
      s.fields.find((f) => f.name === 'occurred_at')!.type = 'long';
      expect(contractDrift(spec, s)).toEqual([
        'occurred_at: logicalType timestamp-millis vs undefined',
        'tool_calls: array without default []',
        'token_ids: nullable field without default null',
      ]);
    });
  });
});
