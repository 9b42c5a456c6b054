import { isLedgerError } from '@rollout-ledger/contracts';
import { backoffDelay, createHttpRewardFunction, isRetriableStatus, parseRewardResponse } from './http-reward.function';

// The retry policy, with fetch answered from a script (the real HTTP peer is in the integration spec).
function scripted(answers: ReadonlyArray<number | Error>) {
  const calls: string[] = [];
  const fake = (async (_url: string, init?: RequestInit) => {
    calls.push(String(init?.body));
    const next = answers[calls.length - 1];
    if (next instanceof Error) throw next;
    return new Response(next === 200 ? '{"reward":1,"components":{"x":1}}' : 'nope', { status: next });
  }) as typeof fetch;
  return { fake, calls };
}

const trajectory = { rollout_id: 'r-1' } as never;
const task = { task_id: 't-1' } as never;

describe('HTTP reward function', () => {
  it('backs off exponentially up to a cap', () => {
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, 200, 1000))).toEqual([200, 400, 800, 1000, 1000]);
  });

  it('retries 5xx, 408, 429 and network errors; not other 4xx', () => {
    expect([500, 503, 408, 429].every(isRetriableStatus)).toBe(true);
    expect([400, 404, 422].some(isRetriableStatus)).toBe(false);
  });

  it('retries with backoff until an answer comes', async () => {
    const { fake, calls } = scripted([503, new TypeError('fetch failed'), 200]);
    const slept: number[] = [];
    const fn = createHttpRewardFunction({ url: 'http://svc', name: 'svc', version: '3', timeoutMs: 100, retries: 4, backoffMs: 50, fetch: fake, sleep: async (ms) => void slept.push(ms) });
    await expect(fn.score(trajectory, task)).resolves.toEqual({ reward: 1, components: { x: 1 } });
    expect(slept).toEqual([50, 100]);
    expect(JSON.parse(calls[0])).toEqual({ reward_fn: { name: 'svc', version: '3' }, trajectory, task });
  });

  it('gives up after the retries with a retriable typed error', async () => {
    const { fake, calls } = scripted([500, 500, 500]);
    const fn = createHttpRewardFunction({ url: 'http://svc', name: 'svc', version: '3', timeoutMs: 100, retries: 2, backoffMs: 0, fetch: fake, sleep: async () => undefined });
    const error = await Promise.resolve(fn.score(trajectory, task)).then(() => null, (e: unknown) => e);
    expect(isLedgerError(error, 'REWARD_SERVICE_UNAVAILABLE')).toBe(true);
    expect((error as { retriable: boolean }).retriable).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('does not retry a refusal', async () => {
    const { fake, calls } = scripted([422]);
    const fn = createHttpRewardFunction({ url: 'http://svc', name: 'svc', version: '3', timeoutMs: 100, retries: 5, backoffMs: 0, fetch: fake, sleep: async () => undefined });
    await expect(fn.score(trajectory, task)).rejects.toMatchObject({ code: 'REWARD_SERVICE_REJECTED', retriable: false, status: 422 });
    expect(calls).toHaveLength(1);
  });

  it('accepts {reward, components?, details?} and refuses anything else', () => {
    expect(parseRewardResponse('{"reward":0.5}', 'svc')).toEqual({ reward: 0.5, components: {} });
    expect(parseRewardResponse('{"reward":1,"components":{"a":1},"details":{"why":"x"}}', 'svc')).toEqual({ reward: 1, components: { a: 1 }, details: { why: 'x' } });
    expect(() => parseRewardResponse('{"reward":"1"}', 'svc')).toThrow(/must be \{reward: number/);
    expect(() => parseRewardResponse('{"reward":1,"components":{"a":"x"}}', 'svc')).toThrow(/must be \{reward: number/);
    expect(() => parseRewardResponse('<html>', 'svc')).toThrow(/not JSON/);
  });
});
