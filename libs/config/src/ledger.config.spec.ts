import { ConfigError, isLedgerError } from '@rollout-ledger/contracts';
import { loadConnectionConfig, loadHttpConfig } from './ledger.config';

describe('ledger configuration', () => {
  it('defaults to the local stack when nothing is set', () => {
    const config = loadConnectionConfig({});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.SCHEMA_REGISTRY_URL).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/rollout_ledger');
  });

  it('reports every wrong variable at once, naming each', () => {
    let caught: unknown;
    try {
      loadConnectionConfig({ KAFKA_BROKERS: 'localhost', DATABASE_URL: 'mysql://x/y', ROLLOUT_EVENTS_PARTITIONS: 'six' });
    } catch (error) {
      caught = error;
    }
    expect(isLedgerError(caught, 'CONFIG_INVALID')).toBe(true);
    const issues = (caught as ConfigError).issues.map((issue) => issue.path);
    expect(issues).toEqual(['KAFKA_BROKERS', 'DATABASE_URL', 'ROLLOUT_EVENTS_PARTITIONS']);
    expect((caught as Error).message).toContain('"localhost" is not host:port');
  });

  it('parses API keys with scopes and refuses unknown scopes', () => {
    const config = loadHttpConfig({ API_KEYS: 'worker-key-1:ingest|read, admin-key-9:admin' });
    expect(config.API_KEYS.map((key) => [key.key, [...key.scopes]])).toEqual([
      ['worker-key-1', ['ingest', 'read']],
      ['admin-key-9', ['admin']],
    ]);
    expect(() => loadHttpConfig({ API_KEYS: 'worker-key-1:write' })).toThrow(/unknown scope "write"/);
    expect(() => loadHttpConfig({ API_KEYS: 'short:read' })).toThrow(/shorter than 8/);
  });

  it('caps heap growth at 100 % by default, takes 0 for V8 heuristics and refuses values outside 0–300', () => {
    expect(loadHttpConfig({}).HEAP_GROWTH_PERCENT).toBe(100);
    expect(loadHttpConfig({ HEAP_GROWTH_PERCENT: '0' }).HEAP_GROWTH_PERCENT).toBe(0);
    expect(loadHttpConfig({ HEAP_GROWTH_PERCENT: '35' }).HEAP_GROWTH_PERCENT).toBe(35);
    expect(() => loadHttpConfig({ HEAP_GROWTH_PERCENT: '400' })).toThrow(/HEAP_GROWTH_PERCENT/);
    expect(() => loadHttpConfig({ HEAP_GROWTH_PERCENT: '-5' })).toThrow(/HEAP_GROWTH_PERCENT/);
    expect(() => loadHttpConfig({ HEAP_GROWTH_PERCENT: 'lots' })).toThrow(/HEAP_GROWTH_PERCENT/);
  });
});
