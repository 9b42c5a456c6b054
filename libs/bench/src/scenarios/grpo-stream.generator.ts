import { randomUUID } from 'node:crypto';
import type { TypedEvent } from '@rollout-ledger/contracts';

/** The shape of the MUA-RL-like stream the GRPO benchmark offers. */
export const GRPO_STREAM_SHAPE = { groupSize: 8, turns: 12, toolCallsPerRollout: 3, tokenIds: 64, groupsInFlight: 32 } as const;

const TOKENS = Object.freeze(Array.from({ length: GRPO_STREAM_SHAPE.tokenIds }, (_, i) => 1000 + i));
const LOGPROBS = Object.freeze(Array.from({ length: GRPO_STREAM_SHAPE.tokenIds }, () => -0.1));
const FILLER = 'lorem ipsum dolor sit amet '.repeat(12);

interface Rollout {
  readonly events: TypedEvent[];
  next: number;
}

interface Group {
  readonly groupId: string;
  readonly rollouts: Rollout[];
}

/**
 * An endless stream of GRPO groups as many rollout workers produce it: `groupsInFlight` groups at
 * once, their rollouts' events interleaved (each rollout in order: start, user/assistant turns with
 * tool executions, completion, then its online reward), new groups starting as others finish. Half
 * the attempts of each group succeed, so no group is filtered as zero-variance.
 */
export class GrpoStream {
  private readonly active: Group[] = [];
  private groups = 0;
  private state: number;

  constructor(
    private readonly runId: string,
    seed = 7,
  ) {
    this.state = seed >>> 0;
    for (let i = 0; i < GRPO_STREAM_SHAPE.groupsInFlight; i++) this.active.push(this.newGroup());
  }

  /** The next `count` events; `groupIdsDone` collects the groups whose last event (a reward) is in them. */
  take(count: number, groupIdsDone: string[]): TypedEvent[] {
    const out: TypedEvent[] = [];
    while (out.length < count) {
      const slot = Math.floor(this.random() * this.active.length);
      const group = this.active[slot] as Group;
      const open = group.rollouts.filter((r) => r.next < r.events.length);
      const rollout = open[Math.floor(this.random() * open.length)] as Rollout;
      out.push(rollout.events[rollout.next++] as TypedEvent);
      if (open.length === 1 && rollout.next === rollout.events.length) {
        groupIdsDone.push(group.groupId);
        this.active[slot] = this.newGroup();
      }
    }
    return out;
  }

  private newGroup(): Group {
    const index = this.groups++;
    const groupId = `${this.runId}-g${index}`;
    return { groupId, rollouts: Array.from({ length: GRPO_STREAM_SHAPE.groupSize }, (_, attempt) => ({ events: this.rollout(groupId, index, attempt), next: 0 })) };
  }

  private rollout(groupId: string, index: number, attempt: number): TypedEvent[] {
    const { turns, toolCallsPerRollout, groupSize } = GRPO_STREAM_SHAPE;
    const envelope = () => ({ event_id: randomUUID(), rollout_id: `${groupId}-r${attempt}`, group_id: groupId, run_id: this.runId, occurred_at: Date.now() });
    const events: TypedEvent[] = [
      {
        type: 'RolloutStarted',
        data: { ...envelope(), task_id: `task-${index % 97}`, domain: 'retail', group_size: groupSize, policy_version: 1, attempt, system_prompt: 'You are a retail agent.', tools: '[{"type":"function","function":{"name":"get_order","parameters":{"type":"object"}}}]', user_simulator: null, sampling: null, labels: {} },
      },
    ];
    for (let turn_index = 0; turn_index < turns; turn_index++) {
      const assistant = turn_index % 2 === 1;
      const callsTool = assistant && turn_index <= toolCallsPerRollout * 2;
      const call = callsTool ? [{ id: `call-${turn_index}`, name: 'get_order', arguments: '{"order_id":"#W1"}' }] : [];
      events.push({
        type: 'TurnRecorded',
        data: { ...envelope(), turn_index, role: assistant ? 'assistant' : 'user', content: `turn ${turn_index}: ${FILLER}`, tool_calls: call, tool_call_id: null, name: null, trainable: assistant, token_ids: assistant ? TOKENS : null, logprobs: assistant ? LOGPROBS : null, policy_version: null, usage: null },
      });
      if (callsTool) {
        events.push({
          type: 'ToolCallRecorded',
          data: { ...envelope(), tool_call_id: `call-${turn_index}`, name: 'get_order', arguments: '{"order_id":"#W1"}', requestor: 'assistant', turn_index, result: '{"status":"delivered"}', error: null, status: 'ok', latency_ms: 3 },
        });
      }
    }
    events.push({ type: 'RolloutCompleted', data: { ...envelope(), termination_reason: 'user_stop', num_turns: turns, final_state_hash: null, duration_ms: 1 } });
    const reward = (attempt + index) % 2;
    events.push({ type: 'RewardAssigned', data: { ...envelope(), reward, components: {}, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', details: null } });
    return events;
  }

  // mulberry32: which group and rollout speaks next, reproducibly.
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
