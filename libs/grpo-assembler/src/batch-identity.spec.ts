import { batchEventIdOf, batchIdOf } from './batch-identity';

describe('batch identity', () => {
  it('given the same assembler, run, sequence and groups, then the id is the same; any difference changes it', () => {
    const id = batchIdOf('grpo', 'run-1', 0, ['g-a', 'g-b']);
    expect(batchIdOf('grpo', 'run-1', 0, ['g-a', 'g-b'])).toBe(id);
    expect(id).toMatch(/^b-[0-9a-f]{32}$/);
    expect(new Set([id, batchIdOf('grpo', 'run-1', 1, ['g-a', 'g-b']), batchIdOf('grpo', 'run-2', 0, ['g-a', 'g-b']), batchIdOf('other', 'run-1', 0, ['g-a', 'g-b']), batchIdOf('grpo', 'run-1', 0, ['g-a', 'g-c'])]).size).toBe(5);
  });

  it('given a batch id, then its BatchAssembled event id is a stable UUID', () => {
    const eventId = batchEventIdOf('b-1');
    expect(eventId).toBe(batchEventIdOf('b-1'));
    expect(eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventId).not.toBe(batchEventIdOf('b-2'));
  });
});
