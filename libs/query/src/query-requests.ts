import type { CurriculumOptions, CurriculumWindow } from '@rollout-ledger/curriculum';
import { ParamReader, type RawParams } from './query-params';
import { ROLLOUT_FILTER_PARAMS, readRolloutFilter, type RolloutFilter } from './rollout-filter';

export interface RolloutListRequest {
  readonly filter: RolloutFilter;
  readonly limit: number;
  readonly cursor?: string;
}

/** `GET /v1/rollouts` query string → request; a bad or unknown parameter → ValidationError naming it. */
export function parseRolloutListRequest(raw: RawParams, maxLimit: number): RolloutListRequest {
  const reader = new ParamReader(raw);
  const filter = readRolloutFilter(reader);
  const limit = reader.int('limit', { min: 1, max: maxLimit }) ?? Math.min(50, maxLimit);
  const cursor = reader.string('cursor');
  reader.rejectUnknown();
  reader.throwIfInvalid('rollout query');
  return { filter, limit, ...(cursor === undefined ? {} : { cursor }) };
}

export interface TaskStatsRequest {
  readonly filter: RolloutFilter;
  readonly passThreshold: number;
}

export function parseTaskStatsRequest(raw: RawParams): TaskStatsRequest {
  const reader = new ParamReader(raw);
  const filter = readRolloutFilter(reader);
  const passThreshold = reader.number('pass_threshold') ?? 1;
  reader.rejectUnknown();
  reader.throwIfInvalid('task stats query');
  return { filter, passThreshold };
}

export interface CurriculumRequest {
  readonly filter: RolloutFilter;
  readonly options: CurriculumOptions;
}

export const CURRICULUM_WINDOWS = ['policy_versions', 'attempts', 'all'] as const;

/**
 * `window=policy_versions&last=3` (last K policy versions), `window=attempts&last=64` (last N
 * attempts per task) or `window=all`; `hi`, `lo`, `pass_threshold` as in libs/curriculum.
 */
export function parseCurriculumRequest(raw: RawParams): CurriculumRequest {
  const reader = new ParamReader(raw);
  const filter = readRolloutFilter(reader);
  const kind = reader.oneOf('window', CURRICULUM_WINDOWS) ?? 'all';
  const last = reader.int('last', { min: 1 });
  if (kind !== 'all' && last === undefined && !reader.issues.some((issue) => issue.path === 'window')) {
    reader.fail('last', `is required with window=${kind}`);
  }
  const hi = reader.number('hi', { min: 0, max: 1 });
  const lo = reader.number('lo', { min: 0, max: 1 });
  const passThreshold = reader.number('pass_threshold');
  if (hi !== undefined && lo !== undefined && lo >= hi) reader.fail('lo', `must be below hi (lo=${lo}, hi=${hi})`);
  reader.rejectUnknown();
  reader.throwIfInvalid('curriculum query');
  const window: CurriculumWindow = kind === 'all' ? { kind } : { kind, last: last as number };
  return { filter, options: { window, ...(hi === undefined ? {} : { hi }), ...(lo === undefined ? {} : { lo }), ...(passThreshold === undefined ? {} : { passThreshold }) } };
}

export { ROLLOUT_FILTER_PARAMS };
