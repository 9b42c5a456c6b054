/** The columns and orders the repository reads the history tables with (shared by its queries). */

// Timestamps leave Postgres as epoch milliseconds: parsing timestamptz text into Date objects was
// the largest single cost of an export (every turn has one), and the read model is in ms anyway.
export function ms(column: string, alias = column.replace(/^\w+\./, '')): string {
  return `(extract(epoch from ${column}) * 1000)::float8 as ${alias}`;
}

export const ROLLOUT_COLUMNS = `ro.rollout_id, ro.run_id, ro.group_id, ro.task_id, ro.domain, ro.group_size, ro.policy_version,
  ro.attempt, ro.system_prompt, ro.tools, ro.user_simulator, ro.sampling, ro.labels, ${ms('ro.started_at', 'started_at')},
  ro.termination_reason, ro.num_turns, ro.final_state_hash, ro.duration_ms, ${ms('ro.completed_at', 'completed_at')},
  ro.turn_count, ro.tool_call_count, ro.tool_error_count,
  sel.reward as sel_reward, sel.reward_fn as sel_reward_fn, sel.reward_fn_version as sel_reward_fn_version, sel.source as sel_source`;

export const TURN_COLUMNS = `rollout_id, turn_index, event_id, role, content, tool_calls, tool_call_id, name, trainable, token_ids, logprobs,
  policy_version, usage, ${ms('occurred_at')}`;
export const TURN_ORDER = 'rollout_id, turn_index';

export const TOOL_CALL_COLUMNS = `rollout_id, tool_call_id, event_id, name, arguments, requestor, turn_index, result, error, status, latency_ms, ${ms('occurred_at')}`;
export const TOOL_CALL_ORDER = 'rollout_id, occurred_at, tool_call_id';

export const REWARD_COLUMNS = `event_id, rollout_id, reward, components, reward_fn, reward_fn_version, source, details, ${ms('occurred_at')}`;
export const REWARD_ORDER = 'rollout_id, reward_fn, reward_fn_version, source';
