import { isLedgerError } from '@rollout-ledger/contracts';
import { parseRewardFnRef } from './reward-fn-ref';
import { createDefaultRewardRegistry, RewardRegistry } from './reward.registry';
import type { RewardFunction } from './reward-function';

const asyncFn: RewardFunction = { name: 'http-judge', version: '3', score: async () => ({ reward: 0.5, components: {} }) };

describe('RewardRegistry', () => {
  it('given the default registry, then the built-ins resolve by name@version', () => {
    const registry = createDefaultRewardRegistry();

    expect(registry.list()).toEqual(['db-hash-outputs@1', 'db-hash@1', 'length-penalized@1']);
    expect(registry.resolve('db-hash@1').name).toBe('db-hash');
    expect(registry.resolve({ name: 'length-penalized', version: '1' }).version).toBe('1');
  });

  it('given an asynchronous custom function, then it registers and scores through the same interface', async () => {
    const registry = createDefaultRewardRegistry().register(asyncFn);

    await expect(Promise.resolve(registry.resolve('http-judge@3').score({} as never, {} as never))).resolves.toEqual({ reward: 0.5, components: {} });
    expect(registry.has('http-judge@3')).toBe(true);
  });

  it('given an unknown reference, then REWARD_FN_UNKNOWN lists the known ones', () => {
    expect.assertions(3);
    try {
      createDefaultRewardRegistry().resolve('db-hash@2');
    } catch (error) {
      expect(isLedgerError(error, 'REWARD_FN_UNKNOWN')).toBe(true);
      expect((error as Error).message).toBe('unknown reward function db-hash@2; known: db-hash-outputs@1, db-hash@1, length-penalized@1');
      expect(isLedgerError(error) && error.retriable).toBe(false);
    }
  });

  it('given the same name@version twice, then REWARD_FN_DUPLICATE', () => {
    expect(() => new RewardRegistry([asyncFn, asyncFn])).toThrow(expect.objectContaining({ code: 'REWARD_FN_DUPLICATE' }));
  });
});

describe('parseRewardFnRef', () => {
  it('given name@version, then both parts', () => {
    expect(parseRewardFnRef('db-hash-outputs@1')).toEqual({ name: 'db-hash-outputs', version: '1' });
    expect(parseRewardFnRef('acme/judge@2.1.0')).toEqual({ name: 'acme/judge', version: '2.1.0' });
  });

  it.each([
    ['db-hash', 'expected exactly one "@"'],
    ['a@b@c', 'expected exactly one "@"'],
    ['@1', 'name must start with a letter or digit'],
    ['db-hash@', 'version must start with a letter or digit'],
    ['db hash@1', 'name must start'],
  ])('given %p, then a validation error says %p', (ref, problem) => {
    expect(() => parseRewardFnRef(ref)).toThrow(problem);
  });
});
