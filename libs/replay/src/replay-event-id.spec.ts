import { replayEventId } from './replay-event-id';

describe('replayEventId', () => {
  it('is a stable RFC 4122 version-5 UUID of rollout + function + version', () => {
    const id = replayEventId('r-1', 'db-hash-outputs', '1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(replayEventId('r-1', 'db-hash-outputs', '1')).toBe(id);
  });

  it('differs when any part differs, including splits that concatenate alike', () => {
    const ids = new Set([
      replayEventId('r-1', 'db-hash-outputs', '1'),
      replayEventId('r-1', 'db-hash-outputs', '2'),
      replayEventId('r-1', 'db-hash', '1'),
      replayEventId('r-2', 'db-hash-outputs', '1'),
      replayEventId('r-1db', '-hash-outputs', '1'),
    ]);
    expect(ids.size).toBe(5);
  });
});
