import { toOpenAIMessages, type Trajectory } from '@rollout-ledger/trajectory';

/**
 * One line of OpenAI's chat fine-tuning JSONL. Tool results are `{role:"tool", tool_call_id,
 * content}` and arguments stay JSON strings (libs/trajectory renders both); parallel tool calls are
 * declared off because each recorded assistant turn is replayed as it happened, call by call.
 */
export function sftRecord(trajectory: Trajectory, options: { readonly weights: boolean }): Record<string, unknown> {
  return {
    messages: toOpenAIMessages(trajectory, { weights: options.weights }),
    tools: trajectory.tools,
    parallel_tool_calls: false,
  };
}
