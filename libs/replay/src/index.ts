// The replay feature: re-score recorded rollouts with another reward function and append the
// results as RewardAssigned(source=replay). Kafka, Postgres and HTTP stay behind this door.
export { describeBound, parseReplayBound, type PartitionRange, type ReplayBound } from './replay-bounds';
export { replayEventId } from './replay-event-id';
export { ReplayErrorCodes, ReplayOptionsError, ReplayRangeExpiredError, RewardModuleError } from './replay.errors';
export { TrajectoryAccumulator } from './trajectory.accumulator';
export { TaskCatalog } from './task-catalog';
export { scoreRollout, type Publication, type ReplayBaseline, type RolloutOutcome, type SkipReason } from './rollout.scoring';
export { buildReplayReport, type ReplayReport, type ReplayReportMeta, type ReplaySliceStats } from './replay-report';
export { formatReplayReport } from './replay-report.format';
export { silentProgress, type ReadSummary, type ReplayInput, type ReplayProgress, type ReplayReadHandlers, type RewardPublisher } from './replay.ports';
export { mapConcurrent, runReplayEngine, type ReplayEngineDeps, type ReplayEngineOptions, type ReplayOutcome, type ReplayTimings } from './replay.engine';
export { KafkaReplayInput, type KafkaReplayInputOptions } from './kafka-replay.input';
export { StoreReplayInput, eventFromRow, taskFromRow, type StoreReplayInputOptions } from './store-replay.input';
export { loadRewardModule, rewardFunctionsIn } from './reward-module.loader';
export {
  RewardServiceError,
  RewardServiceErrorCodes,
  backoffDelay,
  createHttpRewardFunction,
  isRetriableStatus,
  parseRewardResponse,
  type HttpRewardOptions,
  type HttpRewardRequest,
} from './http-reward.function';
export { resolveRewardFns, type ResolvedRewardFns, type RewardFnSelection, type RewardServiceSettings } from './reward-fn.resolver';
export { CollectingRewardPublisher, KafkaRewardPublisher } from './kafka-reward.publisher';
export { createProgressBar, type ProgressStream } from './replay-progress.bar';
export { runReplay, type ReplayIo, type ReplayRequest, type ReplayRunResult, type ReplaySource } from './replay.runner';
