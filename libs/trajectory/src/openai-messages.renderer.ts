import type { Trajectory, TrajectoryTurn } from './trajectory.types';

export interface OpenAIToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface OpenAISystemMessage {
  readonly role: 'system';
  readonly content: string;
}

export interface OpenAIUserMessage {
  readonly role: 'user';
  readonly content: string;
}

export interface OpenAIAssistantMessage {
  readonly role: 'assistant';
  readonly content: string | null;
  readonly tool_calls?: readonly OpenAIToolCall[];
  /** OpenAI fine-tuning: 0 excludes the message from the loss. */
  readonly weight?: 0 | 1;
}

export interface OpenAIToolMessage {
  readonly role: 'tool';
  readonly tool_call_id: string;
  readonly content: string;
}

export type OpenAIMessage = OpenAISystemMessage | OpenAIUserMessage | OpenAIAssistantMessage | OpenAIToolMessage;

export interface OpenAIMessagesOptions {
  /** Add `weight` (1 for trainable turns, 0 otherwise) to assistant messages. */
  readonly weights?: boolean;
}

export function toOpenAIMessages(trajectory: Trajectory, options: OpenAIMessagesOptions = {}): OpenAIMessage[] {
  const messages: OpenAIMessage[] = [];
  const hasSystemTurn = trajectory.turns.some((turn) => turn.role === 'system');
  if (trajectory.system_prompt !== null && !hasSystemTurn) {
    messages.push({ role: 'system', content: trajectory.system_prompt });
  }
  for (const turn of trajectory.turns) messages.push(toMessage(trajectory, turn, options));
  return messages;
}

function toMessage(trajectory: Trajectory, turn: TrajectoryTurn, options: OpenAIMessagesOptions): OpenAIMessage {
  switch (turn.role) {
    case 'system':
    case 'user':
      return { role: turn.role, content: turn.content ?? '' };
    case 'assistant':
      return {
        role: 'assistant',
        content: turn.content,
        ...(turn.tool_calls.length > 0 ? { tool_calls: turn.tool_calls.map(toOpenAIToolCall) } : {}),
        ...(options.weights === true ? { weight: turn.trainable ? 1 : 0 } : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: turn.tool_call_id ?? '', content: toolContent(trajectory, turn) };
    default: {
      const unknown: never = turn.role;
      throw new Error(`unknown role ${String(unknown)}`);
    }
  }
}

function toOpenAIToolCall(call: { readonly id: string; readonly name: string; readonly arguments: string }): OpenAIToolCall {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

// OpenAI requires a string here; when the worker left the turn empty, the environment's record of
// the same call is the best account of what the model saw.
function toolContent(trajectory: Trajectory, turn: TrajectoryTurn): string {
  if (turn.content !== null) return turn.content;
  const record = turn.tool_call_id === null ? undefined : trajectory.tool_calls[turn.tool_call_id];
  return record?.result ?? record?.error ?? '';
}
