export type { EventStamp, Trajectory, TrajectoryReward, TrajectoryStatus, TrajectoryToolCall, TrajectoryTurn } from './trajectory.types';
export { compareStamps, isNewer } from './event-stamp';
export { buildTrajectory, evolveTrajectory, initialTrajectory, trajectoryProjection } from './trajectory.projection';
export { TrajectoryBuilder } from './trajectory.builder';
export { rewardOf, selectReward, type RewardSelector, type SelectableReward } from './reward-selection';
export {
  toOpenAIMessages,
  type OpenAIAssistantMessage,
  type OpenAIMessage,
  type OpenAIMessagesOptions,
  type OpenAISystemMessage,
  type OpenAIToolCall,
  type OpenAIToolMessage,
  type OpenAIUserMessage,
} from './openai-messages.renderer';
export { toLossMask, toTokenSequence, type TokenSequence } from './token-sequence.renderer';
