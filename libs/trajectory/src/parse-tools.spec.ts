import { isLedgerError } from '@rollout-ledger/contracts';
import { parseTools } from './parse-tools';

describe('parseTools', () => {
  const json = '[{"type":"function","function":{"name":"get_order_details","parameters":{"properties":{"id":{"type":"string"}}}}}]';

  it('given the same tools string twice, then both calls share one parsed value', () => {
    const first = parseTools(json);

    expect(parseTools(json.slice(0))).toBe(first);
    expect(first).toEqual(JSON.parse(json));
  });

  it('given a shared parsed value, then it is deep-frozen so no trajectory can change another one', () => {
    const tools = parseTools(json) as { function: { parameters: { properties: object } } }[];

    expect(Object.isFrozen(tools)).toBe(true);
    expect(Object.isFrozen(tools[0]?.function.parameters.properties)).toBe(true);
    expect(() => (tools as unknown[]).push(1)).toThrow(TypeError);
  });

  it('given more distinct strings than the cache holds, then every one still parses to its own value', () => {
    const many = Array.from({ length: 200 }, (_, i) => `[{"n":${i}}]`);

    for (const [i, tools] of many.map(parseTools).entries()) expect(tools).toEqual([{ n: i }]);
    expect(parseTools(many[0] as string)).toEqual([{ n: 0 }]);
  });

  it('given invalid JSON or a non-array, then each call raises VALIDATION_FAILED again (failures are not cached)', () => {
    for (const bad of ['{"name":"x"}', '{"name":"x"}', 'not json', 'not json']) {
      expect.hasAssertions();
      try {
        parseTools(bad);
        throw new Error('expected parseTools to throw');
      } catch (error) {
        expect(isLedgerError(error, 'VALIDATION_FAILED')).toBe(true);
      }
    }
  });
});
