// The only door into the query library: read access to the materialized history.
export { ParamReader, type RawParams } from './query-params';
export { ROLLOUT_FILTER_PARAMS, parsePolicyVersionRange, readRolloutFilter, type RolloutFilter } from './rollout-filter';
export { decodeCursor, encodeCursor, type RolloutCursor } from './rollout-cursor';
export {
  CURRICULUM_WINDOWS,
  parseCurriculumRequest,
  parseRolloutListRequest,
  parseTaskStatsRequest,
  type CurriculumRequest,
  type RolloutListRequest,
  type TaskStatsRequest,
} from './query-requests';
export { RolloutNotFoundError, RolloutRepository, type ExportPosition, type HistoryPage } from './rollout.repository';
export { queryTaskStats } from './task-stats.query';
export { SFT_FIELD, SFT_NULL, queryExportBoundaries, querySftPage, type ExportRange, type SftPage } from './sft-page.query';
export { ToolsJsonCache } from './tools-json.cache';
export { queryCurriculum } from './curriculum.query';
export type * from './query.types';
export { deleteSyntheticRun, seedSyntheticRun, syntheticRolloutId, type SyntheticRunSpec } from './synthetic-history.seeder';
