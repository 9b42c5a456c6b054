import { bigintOrNull, double, int32, int64, list, string, type ParquetColumn, type SchemaNode } from './parquet-schema';
import type { RlRow } from './rl.format';

const element = (type: 'INT32' | 'DOUBLE'): SchemaNode[] => [{ name: 'element', type, repetition_type: 'REQUIRED' }];
const json = (value: unknown) => JSON.stringify(value);

/** The rl export as Parquet: scalars as columns, token fields as lists, nested JSON (messages, tools, rewards) as text. */
export const RL_COLUMNS: readonly ParquetColumn<RlRow>[] = [
  { name: 'rollout_id', schema: string('rollout_id'), value: (row) => row.rollout_id },
  { name: 'run_id', schema: string('run_id'), value: (row) => row.run_id },
  { name: 'group_id', schema: string('group_id'), value: (row) => row.group_id },
  { name: 'task_id', schema: string('task_id'), value: (row) => row.task_id },
  { name: 'domain', schema: string('domain'), value: (row) => row.domain },
  { name: 'policy_version', schema: int64('policy_version'), value: (row) => bigintOrNull(row.policy_version) },
  { name: 'attempt', schema: int32('attempt'), value: (row) => row.attempt },
  { name: 'reward', schema: double('reward'), value: (row) => row.reward },
  { name: 'reward_fn', schema: string('reward_fn'), value: (row) => row.reward_fn },
  { name: 'reward_fn_version', schema: string('reward_fn_version'), value: (row) => row.reward_fn_version },
  { name: 'reward_source', schema: string('reward_source'), value: (row) => row.reward_source },
  { name: 'advantage', schema: double('advantage'), value: (row) => row.advantage },
  { name: 'advantage_mode', schema: string('advantage_mode'), value: (row) => row.advantage_mode },
  { name: 'rewards', schema: string('rewards'), value: (row) => json(row.rewards) },
  { name: 'termination_reason', schema: string('termination_reason'), value: (row) => row.termination_reason },
  { name: 'num_turns', schema: int32('num_turns'), value: (row) => row.num_turns },
  { name: 'messages', schema: string('messages'), value: (row) => json(row.messages) },
  { name: 'tools', schema: string('tools'), value: (row) => json(row.tools) },
  { name: 'token_ids', schema: list('token_ids', element('INT32')), value: (row) => row.token_ids },
  { name: 'logprobs', schema: list('logprobs', element('DOUBLE')), value: (row) => row.logprobs },
  { name: 'loss_mask', schema: list('loss_mask', element('INT32')), value: (row) => row.loss_mask },
];
