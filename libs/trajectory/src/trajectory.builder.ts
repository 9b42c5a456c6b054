import type { RolloutCompleted, RolloutEvent, RolloutStarted, SamplingParams, UserSimulator } from '@rollout-ledger/contracts';
import { isNewer } from './event-stamp';
import { parseTools } from './parse-tools';
import { compareStrings } from './sorted-insert';
import {
  assertSameRollout,
  compareRewardKeys,
  compareTurnIndexes,
  durationOf,
  minId,
  toReward,
  toToolCall,
  toTurn,
  unknownEventType,
} from './trajectory.records';
import type { EventStamp, Trajectory, TrajectoryReward, TrajectoryToolCall, TrajectoryTurn } from './trajectory.types';

/** What the winning RolloutStarted supplied (tools already parsed). */
interface StartedFacts extends EventStamp {
  readonly task_id: string | null;
  readonly domain: string | null;
  readonly policy_version: number | null;
  readonly group_size: number | null;
  readonly attempt: number | null;
  readonly system_prompt: string | null;
  readonly tools: readonly unknown[];
  readonly user_simulator: UserSimulator | null;
  readonly sampling: SamplingParams | null;
  readonly labels: Readonly<Record<string, string>>;
}

/** What the winning RolloutCompleted supplied. */
interface CompletedFacts extends EventStamp {
  readonly termination_reason: string | null;
  readonly num_turns: number | null;
  readonly final_state_hash: string | null;
  readonly reported_duration_ms: number | null;
}

/**
 * A mutable accumulator for one rollout's trajectory. `apply` costs O(1) (O(rewards) for a
 * reward), where evolveTrajectory copies the whole state per event; `build` sorts once. The
 * result is deep-equal to folding evolveTrajectory over the same events in the same order, with
 * the same conflict rules: the greater (occurred_at, event_id) wins, a re-delivered event_id is a
 * no-op. For streaming (replay, the assembler) keep one builder per open rollout.
 *
 * `apply` is atomic: when it throws (another rollout's event, tools that are not a JSON array), the
 * builder is left as it was, as the fold would have kept its previous state. `build` returns the
 * same object until an event changes something; built trajectories never change afterwards.
 */
export class TrajectoryBuilder {
  private readonly seen = new Set<string>();
  private runId: string | null = null;
  private groupId: string | null = null;
  private started: StartedFacts | null = null;
  private completed: CompletedFacts | null = null;
  private readonly turns = new Map<number, TrajectoryTurn>();
  private readonly toolCalls = new Map<string, TrajectoryToolCall>();
  private readonly rewards: TrajectoryReward[] = [];
  /** The last build, returned again until an event changes something. */
  private built: Trajectory | null = null;

  constructor(readonly rolloutId: string) {}

  /** Resumes from a trajectory built earlier (for example one loaded from the read model). */
  static from(state: Trajectory): TrajectoryBuilder {
    const builder = new TrajectoryBuilder(state.rollout_id);
    for (const id of state.seen_event_ids) builder.seen.add(id);
    builder.runId = state.run_id;
    builder.groupId = state.group_id;
    if (state.started_event_id !== null) {
      const { task_id, domain, policy_version, group_size, attempt, system_prompt, tools, user_simulator, sampling, labels } = state;
      const stamp = { event_id: state.started_event_id, occurred_at: state.started_at ?? 0 };
      builder.started = { ...stamp, task_id, domain, policy_version, group_size, attempt, system_prompt, tools, user_simulator, sampling, labels };
    }
    if (state.completed_event_id !== null) {
      const { termination_reason, num_turns, final_state_hash, reported_duration_ms } = state;
      const stamp = { event_id: state.completed_event_id, occurred_at: state.completed_at ?? 0 };
      builder.completed = { ...stamp, termination_reason, num_turns, final_state_hash, reported_duration_ms };
    }
    for (const turn of state.turns) builder.turns.set(turn.turn_index, turn);
    for (const call of Object.values(state.tool_calls)) builder.toolCalls.set(call.tool_call_id, call);
    builder.rewards.push(...state.rewards);
    builder.built = state;
    return builder;
  }

  /** Distinct events applied so far (re-deliveries not counted). */
  get eventCount(): number {
    return this.seen.size;
  }

  has(eventId: string): boolean {
    return this.seen.has(eventId);
  }

  apply(event: RolloutEvent): this {
    const data = event.data;
    assertSameRollout(this.rolloutId, data);
    if (this.seen.has(data.event_id)) return this;
    // The fact first: it throws (bad tools, unknown type) before it changes anything, so a failed
    // apply leaves no trace, not even the event_id.
    this.applyFact(event);
    this.seen.add(data.event_id);
    this.runId = minId(this.runId, data.run_id);
    this.groupId = minId(this.groupId, data.group_id);
    this.built = null;
    return this;
  }

  applyAll(events: Iterable<RolloutEvent>): this {
    for (const event of events) this.apply(event);
    return this;
  }

  build(): Trajectory {
    this.built ??= this.snapshot();
    return this.built;
  }

  /** Records the event's fact unless an existing one with a greater stamp wins over it. */
  private applyFact(event: RolloutEvent): void {
    switch (event.type) {
      case 'RolloutStarted':
        return this.applyStarted(event.data);
      case 'TurnRecorded': {
        const data = event.data;
        if (isNewer(data, this.turns.get(data.turn_index) ?? null)) this.turns.set(data.turn_index, toTurn(data));
        return;
      }
      case 'ToolCallRecorded': {
        const data = event.data;
        if (isNewer(data, this.toolCalls.get(data.tool_call_id) ?? null)) this.toolCalls.set(data.tool_call_id, toToolCall(data));
        return;
      }
      case 'RewardAssigned':
        return this.applyReward(toReward(event.data));
      case 'RolloutCompleted':
        return this.applyCompleted(event.data);
      default: {
        const unknown: never = event;
        throw unknownEventType((unknown as { type: string }).type);
      }
    }
  }

  private applyStarted(data: RolloutStarted): void {
    if (!isNewer(data, this.started)) return;
    this.started = {
      event_id: data.event_id,
      occurred_at: data.occurred_at,
      task_id: data.task_id,
      domain: data.domain,
      policy_version: data.policy_version,
      group_size: data.group_size,
      attempt: data.attempt,
      system_prompt: data.system_prompt,
      tools: parseTools(data.tools), // may throw: evaluated before the assignment
      user_simulator: data.user_simulator,
      sampling: data.sampling,
      labels: data.labels,
    };
  }

  private applyReward(reward: TrajectoryReward): void {
    const index = this.rewards.findIndex((r) => compareRewardKeys(r, reward) === 0);
    if (index < 0) this.rewards.push(reward);
    else if (isNewer(reward, this.rewards[index] ?? null)) this.rewards[index] = reward;
  }

  private applyCompleted(data: RolloutCompleted): void {
    if (!isNewer(data, this.completed)) return;
    this.completed = {
      event_id: data.event_id,
      occurred_at: data.occurred_at,
      termination_reason: data.termination_reason,
      num_turns: data.num_turns,
      final_state_hash: data.final_state_hash,
      reported_duration_ms: data.duration_ms,
    };
  }

  // Keys in the order initialTrajectory declares them, so JSON output matches the fold's. Each
  // field is copied as the event carried it (no `??` defaults) so even odd values survive as-is.
  private snapshot(): Trajectory {
    const s = this.started;
    const c = this.completed;
    const startedAt = s === null ? null : s.occurred_at;
    const completedAt = c === null ? null : c.occurred_at;
    const reported = c === null ? null : c.reported_duration_ms;
    return {
      rollout_id: this.rolloutId,
      run_id: this.runId,
      group_id: this.groupId,
      task_id: s === null ? null : s.task_id,
      domain: s === null ? null : s.domain,
      policy_version: s === null ? null : s.policy_version,
      group_size: s === null ? null : s.group_size,
      attempt: s === null ? null : s.attempt,
      system_prompt: s === null ? null : s.system_prompt,
      tools: s === null ? [] : s.tools,
      user_simulator: s === null ? null : s.user_simulator,
      sampling: s === null ? null : s.sampling,
      labels: s === null ? {} : s.labels,
      status: c === null ? 'running' : 'completed',
      termination_reason: c === null ? null : c.termination_reason,
      num_turns: c === null ? null : c.num_turns,
      final_state_hash: c === null ? null : c.final_state_hash,
      started_at: startedAt,
      completed_at: completedAt,
      reported_duration_ms: reported,
      duration_ms: durationOf(reported, startedAt, completedAt),
      started_event_id: s === null ? null : s.event_id,
      completed_event_id: c === null ? null : c.event_id,
      turns: [...this.turns.values()].sort(compareTurnIndexes),
      tool_calls: this.sortedToolCalls(),
      rewards: [...this.rewards].sort(compareRewardKeys),
      // The default sort compares UTF-16 code units, the same order as compareStrings.
      seen_event_ids: [...this.seen].sort(),
    };
  }

  private sortedToolCalls(): Readonly<Record<string, TrajectoryToolCall>> {
    const sorted: Record<string, TrajectoryToolCall> = {};
    for (const id of [...this.toolCalls.keys()].sort(compareStrings)) sorted[id] = this.toolCalls.get(id) as TrajectoryToolCall;
    return sorted;
  }
}
