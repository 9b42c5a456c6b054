import { toOpenAIMessages, type RewardSelector, type Trajectory } from '@rollout-ledger/trajectory';
import { bigintOrNull, double, int64, list, string, struct, type ParquetColumn } from './parquet-schema';
import { chosenReward } from './reward-choice';

export interface VerlRow {
  readonly messages: ReadonlyArray<{
    role: string;
    content: string | null;
    tool_calls: ReadonlyArray<{ id: string; type: string; function: { name: string; arguments: string } }> | null;
    tool_call_id: string | null;
  }>;
  readonly tools: string;
  readonly data_source: string | null;
  readonly rollout_id: string;
  readonly group_id: string | null;
  readonly task_id: string | null;
  readonly policy_version: number | null;
  readonly reward: number | null;
}

/**
 * A row of verl's multi-turn dataset (MultiTurnSFTDataset reads `messages` and `tools`). `messages`
 * is a real list of structs; tool-call `arguments` and the `tools` column are JSON text because
 * every tool has its own argument and parameter shapes, and Arrow would merge those into one
 * struct type (filling every tool with every other tool's fields as nulls). verl and the chat
 * templates take JSON strings there.
 */
export function verlRow(trajectory: Trajectory, selector: RewardSelector): VerlRow {
  return {
    messages: toOpenAIMessages(trajectory).map((message) => ({
      role: message.role,
      content: message.content,
      tool_calls:
        message.role === 'assistant' && message.tool_calls
          ? message.tool_calls.map((call) => ({ id: call.id, type: call.type, function: { name: call.function.name, arguments: call.function.arguments } }))
          : null,
      tool_call_id: message.role === 'tool' ? message.tool_call_id : null,
    })),
    tools: JSON.stringify(trajectory.tools),
    data_source: trajectory.domain,
    rollout_id: trajectory.rollout_id,
    group_id: trajectory.group_id,
    task_id: trajectory.task_id,
    policy_version: trajectory.policy_version,
    reward: chosenReward(trajectory, selector)?.reward ?? null,
  };
}

const toolCall = struct('element', [string('id'), string('type'), struct('function', [string('name'), string('arguments')])]);
const message = struct('element', [string('role'), string('content'), list('tool_calls', toolCall), string('tool_call_id')]);

export const VERL_COLUMNS: readonly ParquetColumn<VerlRow>[] = [
  { name: 'messages', schema: list('messages', message), value: (row) => row.messages },
  { name: 'tools', schema: string('tools'), value: (row) => row.tools },
  { name: 'data_source', schema: string('data_source'), value: (row) => row.data_source },
  { name: 'rollout_id', schema: string('rollout_id'), value: (row) => row.rollout_id },
  { name: 'group_id', schema: string('group_id'), value: (row) => row.group_id },
  { name: 'task_id', schema: string('task_id'), value: (row) => row.task_id },
  { name: 'policy_version', schema: int64('policy_version'), value: (row) => bigintOrNull(row.policy_version) },
  { name: 'reward', schema: double('reward'), value: (row) => row.reward },
];
