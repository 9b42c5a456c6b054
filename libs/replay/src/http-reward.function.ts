import { LedgerError } from '@rollout-ledger/contracts';
import type { RewardFunction, RewardResult, TaskGroundTruth } from '@rollout-ledger/rewards';
import type { Trajectory } from '@rollout-ledger/trajectory';

export const RewardServiceErrorCodes = {
  /** Timeout, connection failure, 5xx or 429 after every retry: trying later can succeed. */
  unavailable: 'REWARD_SERVICE_UNAVAILABLE',
  /** 4xx other than 408/429: this request will never succeed. */
  rejected: 'REWARD_SERVICE_REJECTED',
  /** 2xx whose body is not `{reward: number, components?: {string: number}}`. */
  badResponse: 'REWARD_SERVICE_BAD_RESPONSE',
} as const;

export class RewardServiceError extends LedgerError {
  constructor(code: string, message: string, retriable: boolean, readonly status: number | null, options?: { cause?: unknown }) {
    super(code, message, retriable, { status }, options);
  }
}

export interface HttpRewardOptions {
  readonly url: string;
  readonly name: string;
  readonly version: string;
  readonly timeoutMs: number;
  /** Retries after the first try. */
  readonly retries: number;
  /** First backoff; doubles per retry, capped at maxBackoffMs. */
  readonly backoffMs: number;
  readonly maxBackoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetch?: typeof fetch;
}

/** The body POSTed to the service for one rollout. */
export interface HttpRewardRequest {
  readonly reward_fn: { readonly name: string; readonly version: string };
  readonly trajectory: Trajectory;
  readonly task: TaskGroundTruth;
}

/**
 * A reward function served over HTTP: POST {reward_fn, trajectory, task} as JSON, answer
 * {reward, components?, details?}. Retriable failures are retried with exponential backoff; what
 * the service refuses (4xx) is a non-retriable error, so replay skips that rollout and says why.
 */
export function createHttpRewardFunction(options: HttpRewardOptions): RewardFunction {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const doFetch = options.fetch ?? fetch;
  return {
    name: options.name,
    version: options.version,
    async score(trajectory: Trajectory, task: TaskGroundTruth): Promise<RewardResult> {
      const body = JSON.stringify({ reward_fn: { name: options.name, version: options.version }, trajectory, task } satisfies HttpRewardRequest);
      for (let attempt = 0; ; attempt++) {
        try {
          return await callOnce(doFetch, options, body, trajectory.rollout_id);
        } catch (error) {
          if (!(error instanceof RewardServiceError) || !error.retriable || attempt >= options.retries) throw error;
          await sleep(backoffDelay(attempt, options.backoffMs, options.maxBackoffMs ?? 10_000));
        }
      }
    },
  };
}

/** base · 2^attempt, capped: 200, 400, 800 ms… (no jitter: one replay process, bounded concurrency). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** attempt);
}

export function isRetriableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

async function callOnce(doFetch: typeof fetch, options: HttpRewardOptions, body: string, rolloutId: string): Promise<RewardResult> {
  const what = `reward service ${options.url} (rollout ${rolloutId})`;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const why = timedOut ? `no answer within ${options.timeoutMs} ms` : (error as Error).message;
    throw new RewardServiceError(RewardServiceErrorCodes.unavailable, `${what}: ${why}`, true, null, { cause: error });
  }
  if (!response.ok) {
    const retriable = isRetriableStatus(response.status);
    const code = retriable ? RewardServiceErrorCodes.unavailable : RewardServiceErrorCodes.rejected;
    throw new RewardServiceError(code, `${what} answered ${response.status}: ${text.slice(0, 300)}`, retriable, response.status);
  }
  return parseRewardResponse(text, what, response.status);
}

export function parseRewardResponse(text: string, what: string, status = 200): RewardResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RewardServiceError(RewardServiceErrorCodes.badResponse, `${what}: answer is not JSON: ${text.slice(0, 200)}`, false, status);
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const reward = record['reward'];
  const components = record['components'] ?? {};
  const validComponents =
    typeof components === 'object' && components !== null && !Array.isArray(components) && Object.values(components).every((v) => typeof v === 'number' && Number.isFinite(v));
  if (typeof reward !== 'number' || !Number.isFinite(reward) || !validComponents) {
    throw new RewardServiceError(RewardServiceErrorCodes.badResponse, `${what}: answer must be {reward: number, components?: {name: number}}, got ${text.slice(0, 200)}`, false, status);
  }
  const details = record['details'];
  return { reward, components: components as Record<string, number>, ...(details === undefined ? {} : { details }) };
}
