import type { Role } from '@rollout-ledger/contracts';
import { describe, expectArray, expectRecord, expectString, type ReadContext } from './json-checks';

/** One tool call as the importers carry it: arguments as the JSON string the model wrote. */
export interface ImportedToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
  readonly requestor: 'assistant' | 'user';
}

/** One message of a source conversation, normalised; nothing the exports need is dropped. */
export interface ImportedMessage {
  readonly role: Role;
  readonly content: string | null;
  readonly tool_calls: readonly ImportedToolCall[];
  /** role=tool: the call it answers. */
  readonly tool_call_id: string | null;
  /** role=tool: the tool's name. */
  readonly name: string | null;
  /** role=tool: whether the environment reported a failure (null: the source does not say). */
  readonly error: boolean | null;
  readonly occurred_at: number | null;
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number } | null;
}

const ROLES: readonly Role[] = ['system', 'user', 'assistant', 'tool'];

/** An OpenAI chat message (tau-bench v1 `traj`): tool calls `{id, type, function: {name, arguments: string}}`. */
export function parseOpenAIMessage(raw: unknown, path: string, ctx: ReadContext): ImportedMessage | undefined {
  const message = expectRecord(raw, path, ctx);
  if (!message) return undefined;
  const role = message['role'];
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    ctx.log.add(ctx.index, `${path}.role`, `must be one of ${ROLES.join(', ')}, got ${describe(role)}`);
    return undefined;
  }
  const content = expectString(message['content'], `${path}.content`, ctx, true);
  const calls = message['tool_calls'] === null || message['tool_calls'] === undefined ? [] : (expectArray(message['tool_calls'], `${path}.tool_calls`, ctx) ?? []);
  const tool_calls = calls.flatMap((call, i): ImportedToolCall[] => {
    const at = `${path}.tool_calls[${i}]`;
    const record = expectRecord(call, at, ctx);
    const fn = record ? expectRecord(record['function'], `${at}.function`, ctx) : undefined;
    if (!record || !fn) return [];
    const id = expectString(record['id'], `${at}.id`, ctx) ?? '';
    const name = expectString(fn['name'], `${at}.function.name`, ctx) ?? '';
    const args = fn['arguments'];
    // Kept verbatim (even when the model wrote broken JSON): an SFT export must reproduce it.
    const argumentsText = typeof args === 'string' ? args : args !== null && typeof args === 'object' ? JSON.stringify(args) : undefined;
    if (argumentsText === undefined) ctx.log.add(ctx.index, `${at}.function.arguments`, `must be a JSON string, got ${describe(args)}`);
    return [{ id, name, arguments: argumentsText ?? '{}', requestor: 'assistant' }];
  });
  const isTool = role === 'tool';
  return {
    role: role as Role,
    content,
    tool_calls,
    tool_call_id: isTool ? expectString(message['tool_call_id'], `${path}.tool_call_id`, ctx) : null,
    name: isTool ? expectString(message['name'], `${path}.name`, ctx, true) : null,
    error: null,
    occurred_at: null,
    usage: null,
  };
}
