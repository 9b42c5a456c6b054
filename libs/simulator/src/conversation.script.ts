import type { Role } from '@rollout-ledger/contracts';
import type { Tau2Action } from '@rollout-ledger/importers';
import {
  AGENT_ASK_IDENTITY,
  AGENT_FILLERS,
  agentClosing,
  agentConfirm,
  firstPerson,
  GREETINGS,
  systemPrompt,
  USER_CLOSING,
  USER_CONFIRM,
  USER_FILLERS,
  USER_LOOP,
} from './domain-text';
import type { SeededRandom } from './seeded-random';
import type { SimTask } from './task-catalog';
import { isReadOnlyTool, toolError, toolResult } from './tool-results';

/** One scripted message; tool turns carry the call they answer and whether it failed. */
export interface ScriptedMessage {
  readonly role: Role;
  readonly content: string | null;
  readonly tool_calls: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly tool_call_id: string | null;
  readonly name: string | null;
  readonly error: boolean;
}

export type SimTermination = 'user_stop' | 'agent_stop' | 'transfer_to_human' | 'max_turns' | 'context_limit' | 'error';

export const MAX_TURNS = 30;

/**
 * The conversation of one rollout, MUA-RL shaped: system policy, the simulated user's request in
 * the words of the task's instruction, authentication, the task's gold actions as tool calls
 * (with the real tool names and arguments; some calls fail first and are retried), a confirmation
 * before every write, small talk up to a target length, then the ending the termination asks for.
 * A failing rollout changes one write's arguments (or adds a wrong write), so its final database
 * differs from the expected one.
 */
export function scriptConversation(task: SimTask, pass: boolean, termination: SimTermination, rng: SeededRandom, toolErrorRate: number): ScriptedMessage[] {
  const msgs: ScriptedMessage[] = [];
  const say = (role: 'system' | 'user' | 'assistant', content: string) => msgs.push({ role, content, tool_calls: [], tool_call_id: null, name: null, error: false });
  // Lookups answer with the user id the task's later actions use, so the conversation agrees with itself.
  const knownUserId = task.task.actions.map((a) => a.arguments['user_id']).find((v): v is string => typeof v === 'string');
  const call = (name: string, args: Readonly<Record<string, unknown>>, fails: boolean) => {
    const id = `call_${rng.token(24)}`;
    msgs.push({ role: 'assistant', content: null, tool_calls: [{ id, name, arguments: JSON.stringify(args) }], tool_call_id: null, name: null, error: false });
    msgs.push({ role: 'tool', content: fails ? toolError(name, args, rng) : toolResult(name, args, rng, knownUserId), tool_calls: [], tool_call_id: id, name, error: fails });
  };
  const instructions = task.task.instructions;
  say('system', systemPrompt(task.domain));
  say('user', `${rng.pick(GREETINGS)} ${firstPerson(instructions.reason_for_call ?? instructions.text ?? task.task.purpose ?? 'I need some help with my account.')}`);
  say('assistant', rng.pick(AGENT_ASK_IDENTITY[task.domain] ?? AGENT_ASK_IDENTITY['retail']));
  say('user', firstPerson(instructions.known_info ?? 'My user id is in my profile, can you look it up?'));

  const actions = plannedActions(task, pass, termination, rng);
  const done: string[] = [];
  const target = rng.int(14, 26);
  for (const action of actions) {
    if (action.name === 'transfer_to_human_agents') continue;
    if (rng.chance(toolErrorRate)) call(action.name, garble(action.arguments, rng), true);
    if (!isReadOnlyTool(action.name)) {
      say('assistant', agentConfirm(action.name, action.arguments));
      say('user', rng.pick(USER_CONFIRM));
    }
    call(action.name, action.arguments, false);
    if (isReadOnlyTool(action.name) && msgs.length < target - 4 && rng.chance(0.35)) {
      say('assistant', rng.pick(AGENT_FILLERS));
      say('user', rng.pick(USER_FILLERS));
    }
    done.push(action.name.replace(/_/g, ' '));
  }
  while (msgs.length < target - 2 && msgs.length < MAX_TURNS - 4) {
    say('assistant', rng.pick(AGENT_FILLERS));
    say('user', rng.pick(USER_FILLERS));
  }
  finish(msgs, termination, done, rng, say, call);
  // Only the turn limit cuts a conversation; a long task that ends normally keeps its ending.
  return termination === 'max_turns' || termination === 'context_limit' ? msgs.slice(0, MAX_TURNS) : msgs;
}

function finish(
  msgs: ScriptedMessage[],
  termination: SimTermination,
  done: readonly string[],
  rng: SeededRandom,
  say: (role: 'system' | 'user' | 'assistant', content: string) => void,
  call: (name: string, args: Readonly<Record<string, unknown>>, fails: boolean) => void,
): void {
  switch (termination) {
    case 'user_stop':
      say('assistant', agentClosing(rng, done));
      say('user', rng.pick(USER_CLOSING));
      return;
    case 'agent_stop':
      say('assistant', `${agentClosing(rng, done)} Goodbye!`);
      return;
    case 'transfer_to_human':
      call('transfer_to_human_agents', { summary: `User request needs a human agent. Done so far: ${done.join(', ') || 'nothing'}.` }, false);
      say('assistant', 'YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.');
      return;
    case 'max_turns':
    case 'context_limit': {
      const limit = termination === 'max_turns' ? MAX_TURNS : rng.int(msgs.length + 2, MAX_TURNS);
      while (msgs.length < limit) {
        say('user', rng.pick(USER_LOOP));
        say('assistant', rng.pick(AGENT_FILLERS));
      }
      return;
    }
    case 'error':
      // The environment crashed mid-rollout: the last message is the user's, nothing answers it.
      say('user', rng.pick(USER_LOOP));
      return;
    default: {
      const unreachable: never = termination;
      throw new Error(`unknown termination ${String(unreachable)}`);
    }
  }
}

/** The gold actions, or for a failing rollout the gold actions with one write gone wrong. */
function plannedActions(task: SimTask, pass: boolean, termination: SimTermination, rng: SeededRandom): Tau2Action[] {
  const gold = task.task.actions.filter((a) => a.requestor !== 'user');
  if (pass || termination === 'error') return gold;
  const writes = gold.map((a, i) => [a, i] as const).filter(([a]) => !isReadOnlyTool(a.name) && a.name !== 'transfer_to_human_agents');
  if (writes.length > 0) {
    const [action, index] = rng.pick(writes);
    const wrong = { ...action, arguments: garble(action.arguments, rng) };
    return [...gold.slice(0, index), wrong, ...gold.slice(index + 1)];
  }
  const wrongWrite: Tau2Action =
    task.domain === 'airline'
      ? { action_id: null, name: 'cancel_reservation', arguments: { reservation_id: idFrom(gold, 'reservation_id') ?? rng.token(6).toUpperCase() }, requestor: null }
      : { action_id: null, name: 'cancel_pending_order', arguments: { order_id: idFrom(gold, 'order_id') ?? `#W${rng.digits(7)}`, reason: 'ordered by mistake' }, requestor: null };
  return [...gold, wrongWrite];
}

function idFrom(actions: readonly Tau2Action[], key: string): string | undefined {
  const value = actions.map((a) => a.arguments[key]).find((v) => typeof v === 'string');
  return typeof value === 'string' ? value : undefined;
}

/** The same arguments with one value changed, as a model gets an id or an option wrong. */
function garble(args: Readonly<Record<string, unknown>>, rng: SeededRandom): Record<string, unknown> {
  const keys = Object.keys(args);
  if (keys.length === 0) return { unexpected: rng.token(6) };
  const key = rng.pick(keys);
  const value = args[key];
  const changed = typeof value === 'string' ? `${value.slice(0, -1)}${rng.digits(1)}` : typeof value === 'number' ? value + 1 : Array.isArray(value) ? value.slice(0, -1) : rng.token(6);
  return { ...args, [key]: changed === value ? `${String(value)}x` : changed };
}
