import type {
  RewardAssigned,
  RolloutCompleted,
  RolloutStarted,
  SamplingParams,
  ToolCallRecorded,
  TurnRecorded,
  TypedEvent,
  UserSimulator,
} from '@rollout-ledger/contracts';
import { deterministicUuid } from './deterministic-id';
import type { ImportedMessage } from './openai-message.format';

/** A source rollout, normalised by a format's importer; `rolloutEvents` turns it into events. */
/** Where an imported rollout sits: its run, its group (the trials of one task) and its place in it. */
export interface GroupPlacement {
  readonly run_id: string;
  readonly group_id: string;
  readonly task_id: string;
  readonly domain: string;
  readonly attempt: number;
  readonly group_size: number;
  readonly policy_version: number;
}

/** The placement fields alone, for a rollout built from a richer placement. */
export function placementOf(at: GroupPlacement): GroupPlacement {
  const { run_id, group_id, task_id, domain, attempt, group_size, policy_version } = at;
  return { run_id, group_id, task_id, domain, attempt, group_size, policy_version };
}

export interface ImportedRollout extends GroupPlacement {
  /** Source-stable identity (format, run id, source ids): every event id derives from it. */
  readonly key: readonly (string | number)[];
  readonly rollout_id: string;
  readonly system_prompt: string | null;
  /** JSON array of OpenAI function schemas. */
  readonly tools: string;
  readonly user_simulator: UserSimulator | null;
  readonly sampling: SamplingParams | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly messages: readonly ImportedMessage[];
  readonly started_at: number;
  readonly completed_at: number;
  readonly termination_reason: string;
  readonly final_state_hash: string | null;
  readonly duration_ms: number | null;
  readonly reward: Pick<RewardAssigned, 'reward' | 'components' | 'reward_fn' | 'reward_fn_version' | 'details'>;
}

/**
 * The events of one imported rollout, in the order a live worker would send them: started, each
 * turn (a tool turn followed by the environment's ToolCallRecorded for the call it answers),
 * completed, then the imported reward. Message times come from the source when it has them,
 * otherwise 1 ms apart from `started_at`, so the order survives sorting by time.
 */
export function rolloutEvents(r: ImportedRollout): TypedEvent[] {
  const id = (...parts: (string | number)[]) => deterministicUuid(...r.key, ...parts);
  const envelope = (eventId: string, occurred_at: number) => ({ event_id: eventId, rollout_id: r.rollout_id, group_id: r.group_id, run_id: r.run_id, occurred_at });
  const started: RolloutStarted = {
    ...envelope(id('RolloutStarted'), r.started_at),
    task_id: r.task_id,
    domain: r.domain,
    group_size: r.group_size,
    policy_version: r.policy_version,
    attempt: r.attempt,
    system_prompt: r.system_prompt,
    tools: r.tools,
    user_simulator: r.user_simulator,
    sampling: r.sampling,
    labels: r.labels,
  };
  const events: TypedEvent[] = [{ type: 'RolloutStarted', data: started }];
  const callers = new Map<string, { turn: number; call: ImportedMessage['tool_calls'][number] }>();
  let last = r.started_at;
  r.messages.forEach((message, turn_index) => {
    // Never earlier than the previous event: sources round timestamps, we keep the order.
    const at = Math.max(message.occurred_at ?? r.started_at + turn_index + 1, last);
    last = at;
    const turn: TurnRecorded = {
      ...envelope(id('TurnRecorded', turn_index), at),
      turn_index,
      role: message.role,
      content: message.content,
      tool_calls: message.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
      tool_call_id: message.tool_call_id,
      name: message.name,
      trainable: message.role === 'assistant',
      token_ids: null,
      logprobs: null,
      policy_version: message.role === 'assistant' ? r.policy_version : null,
      usage: message.usage,
    };
    events.push({ type: 'TurnRecorded', data: turn });
    for (const call of message.tool_calls) callers.set(call.id, { turn: turn_index, call });
    const answered = message.role === 'tool' && message.tool_call_id !== null ? callers.get(message.tool_call_id) : undefined;
    if (answered) events.push({ type: 'ToolCallRecorded', data: toolCallRecord(r, id('ToolCallRecorded', turn_index), at, message, answered) });
  });
  const end = Math.max(r.completed_at, last);
  const completed: RolloutCompleted = {
    ...envelope(id('RolloutCompleted'), end),
    termination_reason: r.termination_reason,
    num_turns: r.messages.length,
    final_state_hash: r.final_state_hash,
    duration_ms: r.duration_ms,
  };
  const reward: RewardAssigned = { ...envelope(id('RewardAssigned', r.reward.reward_fn, r.reward.reward_fn_version), end), ...r.reward, source: 'import' };
  events.push({ type: 'RolloutCompleted', data: completed }, { type: 'RewardAssigned', data: reward });
  return events;
}

function toolCallRecord(
  r: ImportedRollout,
  eventId: string,
  at: number,
  message: ImportedMessage,
  answered: { turn: number; call: ImportedMessage['tool_calls'][number] },
): ToolCallRecorded {
  // tau2 flags failures; tau-bench v1 tools answer "Error: …" strings instead of raising.
  const failed = message.error ?? (message.content ?? '').startsWith('Error');
  return {
    event_id: eventId,
    rollout_id: r.rollout_id,
    group_id: r.group_id,
    run_id: r.run_id,
    occurred_at: at,
    tool_call_id: answered.call.id,
    name: message.name ?? answered.call.name,
    arguments: answered.call.arguments,
    requestor: answered.call.requestor,
    turn_index: answered.turn,
    result: failed ? null : message.content,
    error: failed ? (message.content ?? 'error') : null,
    status: failed ? 'error' : 'ok',
    latency_ms: null,
  };
}
