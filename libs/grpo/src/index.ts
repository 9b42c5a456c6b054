export { ADVANTAGE_MODES, parseAdvantageMode, type AdvantageMode } from './advantage-mode';
export { GRPO_EPSILON, computeAdvantages, grpo, grpoNoStd, rloo } from './grpo-advantage';
export type { GroupMember, GroupMemberCompletion, GroupMemberStart, GroupReward, GroupState } from './group.types';
export { buildGroup, evolveGroup, initialGroup } from './group.state';
export { validateGroupConfig, type GroupConfig, type GroupRewardFn } from './group-config';
export type { FilteredGroup, GroupDecision, GroupFilterReason, PendingGroup, ReadyGroup, ReadyMember } from './group-decision.types';
export { evaluateGroup } from './group.evaluation';
export { assembleBatch, type AssembledBatch, type BatchPlan } from './batch.assembly';
export { buildBatchMember, buildBatchMembers, type BatchMember, type ScoredRollout } from './batch-member.builder';
