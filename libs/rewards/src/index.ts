export {
  parseEvaluation,
  parseTaskDefined,
  type ExpectedAction,
  type TaskEvaluation,
  type TaskGroundTruth,
} from './task-ground-truth';
export type { RewardFunction, RewardResult, SyncRewardFunction } from './reward-function';
export { DuplicateRewardFunctionError, RewardInputError, UnknownRewardFunctionError } from './reward-errors';
export { dbHashReward, dbMatchOf } from './db-hash.reward';
export { dbHashOutputsReward, missingOutputs, requiredOutputs } from './db-hash-outputs.reward';
export { createLengthPenalized, lengthPenalizedReward, type LengthPenaltyOptions } from './length-penalized.reward';
export { formatRewardFnRef, parseRewardFnRef, type RewardFnRef } from './reward-fn-ref';
export { BUILT_IN_REWARD_FUNCTIONS, RewardRegistry, createDefaultRewardRegistry } from './reward.registry';
export { toRewardAssigned, type RewardEventMeta } from './reward-event';
