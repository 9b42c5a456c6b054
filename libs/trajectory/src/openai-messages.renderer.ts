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
  const turns = trajectory.turns;
  const weights = options.weights === true;
  const messages: OpenAIMessage[] = [];
  if (trajectory.system_prompt !== null && !hasSystemTurn(turns)) {
    messages.push({ role: 'system', content: trajectory.system_prompt });
  }
  for (const turn of turns) messages.push(toMessage(trajectory, turn, weights));
  return messages;
}

function hasSystemTurn(turns: readonly TrajectoryTurn[]): boolean {
  for (const turn of turns) if (turn.role === 'system') return true;
  return false;
}

function toMessage(trajectory: Trajectory, turn: TrajectoryTurn, weights: boolean): OpenAIMessage {
  switch (turn.role) {
    case 'system':
    case 'user':
      return { role: turn.role, content: turn.content ?? '' };
    case 'assistant':
      return toAssistantMessage(turn, weights);
    case 'tool':
      return { role: 'tool', tool_call_id: turn.tool_call_id ?? '', content: toolContent(trajectory, turn) };
    default: {
      const unknown: never = turn.role;
      throw new Error(`unknown role ${String(unknown)}`);
    }
  }
}

// One literal per shape, not spreads of conditional objects: no throwaway objects per message,
// and the key order (role, content, tool_calls, weight) stays what exports serialise.
function toAssistantMessage(turn: TrajectoryTurn, weights: boolean): OpenAIAssistantMessage {
  const content = turn.content;
  const calls = turn.tool_calls.length > 0 ? turn.tool_calls.map(toOpenAIToolCall) : null;
  if (!weights) return calls === null ? { role: 'assistant', content } : { role: 'assistant', content, tool_calls: calls };
  const weight = turn.trainable ? 1 : 0;
  return calls === null ? { role: 'assistant', content, weight } : { role: 'assistant', content, tool_calls: calls, weight };
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
