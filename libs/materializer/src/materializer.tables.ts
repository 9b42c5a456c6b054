import { copyBool, copyJson, copyNumber, copyNumberArray, copyText, copyTimestamp, type CopyColumn } from './copy-text';
import type { CountedRollout, EventRow, RewardRow, RolloutPatch, TaskRow, ToolCallRow, TurnRow } from './row-writes';

/** A target table, its session-local staging table, and how a row of ours becomes COPY columns. */
export interface StagedTable<R> {
  readonly table: string;
  readonly stage: string;
  readonly columns: readonly CopyColumn<R>[];
}

const col = <R>(name: string, encode: (row: R) => string): CopyColumn<R> => ({ name, encode });

export const eventsTable: StagedTable<EventRow> = {
  table: 'events',
  stage: 'mat_stage_events',
  columns: [
    col('event_id', (r) => copyText(r.event_id)),
    col('event_type', (r) => copyText(r.event_type)),
    col('rollout_id', (r) => copyText(r.rollout_id)),
    col('group_id', (r) => copyText(r.group_id)),
    col('run_id', (r) => copyText(r.run_id)),
    col('topic', (r) => copyText(r.topic)),
    col('partition', (r) => copyNumber(r.partition)),
    col('offset', (r) => r.offset),
    col('schema_id', (r) => copyNumber(r.schema_id)),
    col('occurred_at', (r) => copyTimestamp(r.occurred_at)),
    col('payload', (r) => copyJson(r.payload)),
  ],
};

export const rolloutsTable: StagedTable<RolloutPatch> = {
  table: 'rollouts',
  stage: 'mat_stage_rollouts',
  columns: [
    col('rollout_id', (r) => copyText(r.rollout_id)),
    col('run_id', (r) => copyText(r.run_id)),
    col('group_id', (r) => copyText(r.group_id)),
    col('task_id', (r) => copyText(r.start?.task_id ?? null)),
    col('domain', (r) => copyText(r.start?.domain ?? null)),
    col('group_size', (r) => copyNumber(r.start?.group_size ?? null)),
    col('policy_version', (r) => copyNumber(r.start?.policy_version ?? null)),
    col('attempt', (r) => copyNumber(r.start?.attempt ?? null)),
    col('system_prompt', (r) => copyText(r.start?.system_prompt ?? null)),
    col('tools', (r) => copyText(r.start?.tools ?? null)),
    col('user_simulator', (r) => copyJson(r.start?.user_simulator ?? null)),
    col('sampling', (r) => copyJson(r.start?.sampling ?? null)),
    col('labels', (r) => copyJson(r.start?.labels ?? null)),
    col('started_at', (r) => copyTimestamp(r.start?.occurred_at ?? null)),
    col('started_event_id', (r) => copyText(r.start?.event_id ?? null)),
    col('termination_reason', (r) => copyText(r.completion?.termination_reason ?? null)),
    col('num_turns', (r) => copyNumber(r.completion?.num_turns ?? null)),
    col('final_state_hash', (r) => copyText(r.completion?.final_state_hash ?? null)),
    col('duration_ms', (r) => copyNumber(r.completion?.duration_ms ?? null)),
    col('completed_at', (r) => copyTimestamp(r.completion?.occurred_at ?? null)),
    col('completed_event_id', (r) => copyText(r.completion?.event_id ?? null)),
  ],
};

/**
 * The rollout rows the materializer COPYs: the patch's columns and the batch's counters. The
 * merging upsert inserts only the patch's columns (`rolloutsTable`) and the rollouts it touches are
 * recounted; a rollout COPYed directly keeps the counters (all its child rows are in the batch).
 */
export const countedRolloutsTable: StagedTable<CountedRollout> = {
  table: rolloutsTable.table,
  stage: rolloutsTable.stage,
  columns: [
    ...rolloutsTable.columns.map((c): CopyColumn<CountedRollout> => ({ name: c.name, encode: (r) => c.encode(r.patch) })),
    col('turn_count', (r) => copyNumber(r.turn_count)),
    col('tool_call_count', (r) => copyNumber(r.tool_call_count)),
    col('tool_error_count', (r) => copyNumber(r.tool_error_count)),
  ],
};

export const turnsTable: StagedTable<TurnRow> = {
  table: 'turns',
  stage: 'mat_stage_turns',
  columns: [
    col('rollout_id', (r) => copyText(r.rollout_id)),
    col('turn_index', (r) => copyNumber(r.turn_index)),
    col('event_id', (r) => copyText(r.event_id)),
    col('role', (r) => copyText(r.role)),
    col('content', (r) => copyText(r.content)),
    col('tool_calls', (r) => copyJson(r.tool_calls)),
    col('tool_call_id', (r) => copyText(r.tool_call_id)),
    col('name', (r) => copyText(r.name)),
    col('trainable', (r) => copyBool(r.trainable)),
    col('token_ids', (r) => copyNumberArray(r.token_ids)),
    col('logprobs', (r) => copyNumberArray(r.logprobs)),
    col('policy_version', (r) => copyNumber(r.policy_version)),
    col('usage', (r) => copyJson(r.usage)),
    col('occurred_at', (r) => copyTimestamp(r.occurred_at)),
  ],
};

export const toolCallsTable: StagedTable<ToolCallRow> = {
  table: 'tool_calls',
  stage: 'mat_stage_tool_calls',
  columns: [
    col('rollout_id', (r) => copyText(r.rollout_id)),
    col('tool_call_id', (r) => copyText(r.tool_call_id)),
    col('event_id', (r) => copyText(r.event_id)),
    col('name', (r) => copyText(r.name)),
    col('arguments', (r) => copyText(r.arguments)),
    col('requestor', (r) => copyText(r.requestor)),
    col('turn_index', (r) => copyNumber(r.turn_index)),
    col('result', (r) => copyText(r.result)),
    col('error', (r) => copyText(r.error)),
    col('status', (r) => copyText(r.status)),
    col('latency_ms', (r) => copyNumber(r.latency_ms)),
    col('occurred_at', (r) => copyTimestamp(r.occurred_at)),
  ],
};

export const rewardsTable: StagedTable<RewardRow> = {
  table: 'rewards',
  stage: 'mat_stage_rewards',
  columns: [
    col('event_id', (r) => copyText(r.event_id)),
    col('rollout_id', (r) => copyText(r.rollout_id)),
    col('group_id', (r) => copyText(r.group_id)),
    col('run_id', (r) => copyText(r.run_id)),
    col('reward', (r) => copyNumber(r.reward)),
    col('components', (r) => copyJson(r.components)),
    col('reward_fn', (r) => copyText(r.reward_fn)),
    col('reward_fn_version', (r) => copyText(r.reward_fn_version)),
    col('source', (r) => copyText(r.source)),
    col('details', (r) => copyText(r.details)),
    col('occurred_at', (r) => copyTimestamp(r.occurred_at)),
  ],
};

export const tasksTable: StagedTable<TaskRow> = {
  table: 'tasks',
  stage: 'mat_stage_tasks',
  columns: [
    col('task_id', (r) => copyText(r.task_id)),
    col('event_id', (r) => copyText(r.event_id)),
    col('domain', (r) => copyText(r.domain)),
    col('description', (r) => copyText(r.description)),
    col('user_instruction', (r) => copyText(r.user_instruction)),
    col('evaluation', (r) => copyText(r.evaluation)),
    col('defined_at', (r) => copyTimestamp(r.occurred_at)),
  ],
};

export const STAGED_TABLES = [eventsTable, rolloutsTable, turnsTable, toolCallsTable, rewardsTable, tasksTable] as const;
