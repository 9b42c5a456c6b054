import type { TurnRecorded, TypedEvent } from '@rollout-ledger/contracts';
import { contentDigest, deterministicUuid } from '@rollout-ledger/importers';
import { scriptConversation, type ScriptedMessage, type SimTermination } from './conversation.script';
import { SeededRandom } from './seeded-random';
import type { SimTask } from './task-catalog';

/** Where a rollout sits: its ids, group, policy version and start time. */
export interface RolloutPlacement {
  readonly seed: number;
  readonly run_id: string;
  readonly group_id: string;
  readonly rollout_id: string;
  readonly group_size: number;
  readonly attempt: number;
  readonly policy_version: number;
  readonly started_at: number;
  /** Probability that this rollout reaches the expected state. */
  readonly pass_probability: number;
  readonly token_fields: boolean;
  readonly tool_error_rate: number;
}

export const SIMULATED_USER_MODEL = 'gpt-4.1-2025-04-14';
const SIMULATOR_LABEL = 'rollout-ledger-sim@1';
/** Token id range of a Qwen2.5-style vocabulary (the MUA-RL policies are Qwen models). */
const VOCABULARY = 151_643;

const FAILING_ENDINGS: readonly (readonly [SimTermination, number])[] = [
  ['user_stop', 0.55],
  ['max_turns', 0.15],
  ['transfer_to_human', 0.1],
  ['error', 0.08],
  ['agent_stop', 0.07],
  ['context_limit', 0.05],
];

/**
 * Every event of one simulated rollout, in the order a worker sends them. The envelope fields are
 * written out in each object literal rather than spread: V8 builds spread-then-extend objects
 * property by property, which was a third of the generation time.
 */
export function simulateRollout(task: SimTask, at: RolloutPlacement): TypedEvent[] {
  const rng = new SeededRandom('rollout', at.seed, at.rollout_id);
  const pass = rng.chance(at.pass_probability);
  const termination = pass ? passingEnding(task, rng) : weighted(FAILING_ENDINGS, rng);
  const messages = scriptConversation(task, pass, termination, rng, at.tool_error_rate);
  const { rollout_id, group_id, run_id } = at;
  const id = (kind: string, index: number) => deterministicUuid('sim', rollout_id, kind, index);
  const events: TypedEvent[] = [
    {
      type: 'RolloutStarted',
      data: {
        event_id: id('RolloutStarted', 0),
        rollout_id,
        group_id,
        run_id,
        occurred_at: at.started_at,
        task_id: task.task_id,
        domain: task.domain,
        group_size: at.group_size,
        policy_version: at.policy_version,
        attempt: at.attempt,
        system_prompt: messages[0].content,
        tools: task.tools,
        user_simulator: { model: SIMULATED_USER_MODEL, instruction: task.user_instruction },
        sampling: { temperature: 1, top_p: 1, max_tokens: 2048 },
        labels: at.token_fields ? { simulator: SIMULATOR_LABEL, seed: String(at.seed), token_fields: 'true' } : { simulator: SIMULATOR_LABEL, seed: String(at.seed) },
      },
    },
  ];
  let clock = at.started_at;
  let promptChars = 0;
  const calls = new Map<string, number>();
  for (let turn_index = 0; turn_index < messages.length; turn_index++) {
    const message = messages[turn_index];
    clock += stepMs(message, rng);
    // Most messages call no tool: "[]" is what JSON.stringify of their tool_calls gives.
    const chars = (message.content ?? '').length + (message.tool_calls.length === 0 ? 2 : JSON.stringify(message.tool_calls).length);
    events.push({ type: 'TurnRecorded', data: toTurn(message, turn_index, id('TurnRecorded', turn_index), clock, at, promptChars, chars, rng) });
    promptChars += chars;
    for (const c of message.tool_calls) calls.set(c.id, turn_index);
    if (message.role === 'tool' && message.tool_call_id !== null) {
      const caller = calls.get(message.tool_call_id) ?? null;
      const call = caller === null ? undefined : messages[caller].tool_calls.find((c) => c.id === message.tool_call_id);
      events.push({
        type: 'ToolCallRecorded',
        data: {
          event_id: id('ToolCallRecorded', turn_index),
          rollout_id,
          group_id,
          run_id,
          occurred_at: clock,
          tool_call_id: message.tool_call_id,
          name: message.name ?? call?.name ?? 'unknown',
          arguments: call?.arguments ?? '{}',
          requestor: 'assistant',
          turn_index: caller,
          result: message.error ? null : message.content,
          error: message.error ? message.content : null,
          status: message.error ? 'error' : 'ok',
          latency_ms: rng.int(20, 900),
        },
      });
    }
  }
  const final_state_hash = termination === 'error' ? null : pass ? task.expected_state_hash : contentDigest({ simulated_state: rollout_id });
  const dbMatch = final_state_hash === task.expected_state_hash ? 1 : 0;
  clock += rng.int(50, 400);
  events.push({
    type: 'RolloutCompleted',
    data: {
      event_id: id('RolloutCompleted', 0),
      rollout_id,
      group_id,
      run_id,
      occurred_at: clock,
      termination_reason: termination,
      num_turns: messages.length,
      final_state_hash,
      duration_ms: clock - at.started_at,
    },
  });
  events.push({
    type: 'RewardAssigned',
    data: {
      event_id: id('RewardAssigned', 0),
      rollout_id,
      group_id,
      run_id,
      occurred_at: clock + rng.int(5, 80),
      reward: dbMatch,
      components: { db_match: dbMatch },
      reward_fn: 'db-hash',
      reward_fn_version: '1',
      source: 'online',
      details: `{"expected_state_hash":${JSON.stringify(task.expected_state_hash)},"final_state_hash":${JSON.stringify(final_state_hash)}}`,
    },
  });
  return events;
}

function passingEnding(task: SimTask, rng: SeededRandom): SimTermination {
  if (task.task.actions.some((a) => a.name === 'transfer_to_human_agents')) return 'transfer_to_human';
  return rng.chance(0.9) ? 'user_stop' : 'agent_stop';
}

function weighted<T>(choices: readonly (readonly [T, number])[], rng: SeededRandom): T {
  let roll = rng.next() * choices.reduce((sum, [, w]) => sum + w, 0);
  for (const [choice, w] of choices) {
    roll -= w;
    if (roll < 0) return choice;
  }
  return choices[choices.length - 1][0];
}

/** Users type for seconds, the policy answers in about a second or two, tools in milliseconds. */
function stepMs(message: ScriptedMessage, rng: SeededRandom): number {
  switch (message.role) {
    case 'system':
      return 0;
    case 'user':
      return rng.int(2_000, 12_000);
    case 'assistant':
      return rng.int(600, 5_000);
    case 'tool':
      return rng.int(20, 900);
    default:
      return 0;
  }
}

/** `chars`: the message's content and tool-call JSON length, a stand-in for its token count. */
function toTurn(message: ScriptedMessage, turn_index: number, event_id: string, occurred_at: number, at: RolloutPlacement, promptChars: number, chars: number, rng: SeededRandom): TurnRecorded {
  const assistant = message.role === 'assistant';
  const completion = assistant ? Math.max(1, Math.ceil(chars / 4)) : 0;
  const tokens = assistant && at.token_fields ? tokenFields(completion, rng) : null;
  return {
    event_id,
    rollout_id: at.rollout_id,
    group_id: at.group_id,
    run_id: at.run_id,
    occurred_at,
    turn_index,
    role: message.role,
    content: message.content,
    tool_calls: message.tool_calls,
    tool_call_id: message.tool_call_id,
    name: message.name,
    trainable: assistant,
    token_ids: tokens?.ids ?? null,
    logprobs: tokens?.logprobs ?? null,
    policy_version: assistant ? at.policy_version : null,
    usage: assistant ? { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: completion } : null,
  };
}

function tokenFields(count: number, rng: SeededRandom): { ids: number[]; logprobs: number[] } {
  const ids: number[] = new Array<number>(count);
  const logprobs: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    ids[i] = Math.floor(rng.next() * VOCABULARY);
    // Mostly confident tokens with a tail of unlikely ones, as sampled text has.
    const u = rng.next();
    logprobs[i] = -Math.round(u * u * u * 6 * 10_000) / 10_000;
  }
  return { ids, logprobs };
}
