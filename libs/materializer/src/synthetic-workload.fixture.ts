import type { EventTypes, TaskDefined, TypedEvent } from '@rollout-ledger/contracts';

/**
 * A small deterministic workload for the materializer's tests: GRPO groups of rollouts with every
 * event type, tool calls (some failing), token ids / logprobs on some assistant turns, a second
 * (replay) reward on some rollouts and one TaskDefined per task. Same options → same events.
 */
export interface WorkloadOptions {
  readonly seed?: number;
  /** Prefix of every id, so each test owns its rows. */
  readonly tag: string;
  readonly groups: number;
  readonly groupSize?: number;
  readonly maxTurns?: number;
  readonly at?: number;
}

export interface Workload {
  readonly runId: string;
  readonly rolloutEvents: readonly TypedEvent[];
  readonly tasks: readonly TaskDefined[];
  readonly rolloutIds: readonly string[];
}

/** mulberry32: tiny, seedable, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['order', 'return', 'lamp', 'refund', 'exchange', 'address', 'the', 'please', 'my', 'is', 'tab\there', 'new\nline', 'back\\slash', 'ünïcödé', '😀', 'id:#W123'];

export function generateWorkload(options: WorkloadOptions): Workload {
  const random = prng(options.seed ?? 42);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const text = (words: number) => Array.from({ length: words }, () => WORDS[int(0, WORDS.length - 1)]).join(' ');
  const groupSize = options.groupSize ?? 4;
  const maxTurns = options.maxTurns ?? 8;
  const runId = `${options.tag}-run`;
  let clock = options.at ?? 1_767_225_600_000;
  const tick = () => (clock += int(1, 50));
  const rolloutEvents: TypedEvent[] = [];
  const tasks: TaskDefined[] = [];
  const rolloutIds: string[] = [];
  let n = 0;
  const eventId = () => `${options.tag}-ev-${String(n++).padStart(6, '0')}`;
  const push = <T extends keyof EventTypes>(type: T, data: EventTypes[T]) => rolloutEvents.push({ type, data } as TypedEvent);

  for (let g = 0; g < options.groups; g++) {
    const groupId = `${options.tag}-g${g}`;
    const taskId = `${options.tag}-task-${g}`;
    tasks.push({
      event_id: eventId(),
      task_id: taskId,
      domain: g % 2 === 0 ? 'retail' : 'airline',
      description: `task ${g}: ${text(6)}`,
      user_instruction: g % 3 === 0 ? null : `You are user ${g}. ${text(8)}`,
      evaluation: JSON.stringify({ expected_state_hash: `h${g}`, outputs: [`out-${g}`], actions: [{ name: 'get_order_details', kwargs: { order_id: `#W${g}` } }] }),
      occurred_at: tick(),
    });
    for (let a = 0; a < groupSize; a++) {
      const rolloutId = `${options.tag}-r${g}-${a}`;
      rolloutIds.push(rolloutId);
      const env = () => ({ event_id: eventId(), rollout_id: rolloutId, group_id: groupId, run_id: runId, occurred_at: tick() });
      const startedAt = clock;
      push('RolloutStarted', {
        ...env(),
        task_id: taskId,
        domain: g % 2 === 0 ? 'retail' : 'airline',
        group_size: groupSize,
        policy_version: 100 + (g % 3),
        attempt: a,
        system_prompt: a % 2 === 0 ? `You are an agent. ${text(20)}` : null,
        tools: JSON.stringify([{ type: 'function', function: { name: 'get_order_details', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } } }]),
        user_simulator: a % 3 === 0 ? null : { model: 'gpt-4o', instruction: a % 2 ? null : text(5) },
        sampling: a % 2 === 0 ? { temperature: 0.7, top_p: null, max_tokens: 1024 } : null,
        labels: a % 2 === 0 ? { framework: 'verl', seed: String(g) } : {},
      });
      const turns = int(2, maxTurns);
      let call = 0;
      for (let t = 0; t < turns; t++) {
        const role = t === 0 ? 'user' : t % 3 === 1 ? 'assistant' : t % 3 === 2 ? 'tool' : 'user';
        const withTokens = role === 'assistant' && random() < 0.5;
        const callId = `${rolloutId}-call-${call}`;
        const callsTool = role === 'assistant' && random() < 0.7;
        const length = int(1, 6);
        push('TurnRecorded', {
          ...env(),
          turn_index: t,
          role,
          content: callsTool && random() < 0.5 ? null : text(int(3, 30)),
          tool_calls: callsTool ? [{ id: callId, name: 'get_order_details', arguments: JSON.stringify({ order_id: `#W${t}` }) }] : [],
          tool_call_id: role === 'tool' ? `${rolloutId}-call-${Math.max(0, call - 1)}` : null,
          name: role === 'tool' ? 'get_order_details' : null,
          trainable: role === 'assistant',
          token_ids: withTokens ? Array.from({ length }, () => int(0, 151_000)) : null,
          logprobs: withTokens ? Array.from({ length }, () => Math.fround(-random() * 5)) : null,
          policy_version: withTokens ? 100 + (g % 3) : null,
          usage: role === 'assistant' ? { prompt_tokens: int(100, 4000), completion_tokens: int(1, 300) } : null,
        });
        if (callsTool) {
          const fails = random() < 0.25;
          push('ToolCallRecorded', {
            ...env(),
            tool_call_id: callId,
            name: 'get_order_details',
            arguments: JSON.stringify({ order_id: `#W${t}` }),
            requestor: random() < 0.1 ? 'user' : 'assistant',
            turn_index: random() < 0.1 ? null : t,
            result: fails ? null : JSON.stringify({ status: 'delivered', items: [text(2)] }),
            error: fails ? `Error: order #W${t} not found` : null,
            status: fails ? 'error' : 'ok',
            latency_ms: random() < 0.1 ? null : int(1, 900),
          });
          call++;
        }
      }
      const reward = random() < 0.5 ? 1 : 0;
      push('RewardAssigned', {
        ...env(),
        reward,
        components: { db_match: reward, outputs: 1 },
        reward_fn: 'db-hash',
        reward_fn_version: '1',
        source: 'online',
        details: a % 2 === 0 ? JSON.stringify({ gt_data_hash: `h${g}` }) : null,
      });
      push('RolloutCompleted', {
        ...env(),
        termination_reason: random() < 0.8 ? 'user_stop' : 'max_turns',
        num_turns: turns,
        final_state_hash: reward === 1 ? `h${g}` : random() < 0.5 ? null : `x${g}`,
        duration_ms: a % 4 === 3 ? null : clock - startedAt,
      });
      if (a % 3 === 0) {
        push('RewardAssigned', {
          ...env(),
          reward: 0.5,
          components: { db_match: 1, length: -0.5 },
          reward_fn: 'length-penalized',
          reward_fn_version: '1',
          source: 'replay',
          details: null,
        });
      }
    }
  }
  return { runId, rolloutEvents, tasks, rolloutIds };
}

/** A deterministic Fisher–Yates shuffle. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = prng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
