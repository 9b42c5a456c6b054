import { toOpenAIMessages, type OpenAIMessage, type Trajectory } from '@rollout-ledger/trajectory';
import { argumentsObject } from './json-arguments';

/**
 * TRL's conversational format with tools: `{messages, tools}`, tool-call arguments as objects (the
 * chat templates of transformers serialise them), tool messages also carry the tool's `name`,
 * which several templates print.
 */
export function trlRecord(trajectory: Trajectory): Record<string, unknown> {
  return { messages: toTrlMessages(trajectory), tools: trajectory.tools };
}

export function toTrlMessages(trajectory: Trajectory): Record<string, unknown>[] {
  const names = toolNames(trajectory);
  return toOpenAIMessages(trajectory).map((message) => toTrlMessage(message, names));
}

function toTrlMessage(message: OpenAIMessage, names: ReadonlyMap<string, string>): Record<string, unknown> {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.tool_calls
          ? {
              tool_calls: message.tool_calls.map((call) => ({
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: argumentsObject(call.function.arguments) },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, name: names.get(message.tool_call_id) ?? null, content: message.content };
    default: {
      const unknown: never = message;
      throw new Error(`unknown message ${JSON.stringify(unknown)}`);
    }
  }
}

function toolNames(trajectory: Trajectory): Map<string, string> {
  const names = new Map<string, string>();
  for (const turn of trajectory.turns) {
    for (const call of turn.tool_calls) names.set(call.id, call.name);
    if (turn.role === 'tool' && turn.tool_call_id !== null && turn.name !== null) names.set(turn.tool_call_id, turn.name);
  }
  return names;
}
