import type { RolloutFilter } from './rollout-filter';

/** A parameterised SQL fragment: values only ever travel as bindings, never in the text. */
export interface SqlFragment {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/**
 * The reward a filter reads, as a lateral subquery aliased `sel`: the latest (occurred_at,
 * event_id) reward of the chosen function@version from any source, or — when none is chosen — the
 * latest online one (what the rollout worker reported), as libs/trajectory's selectReward does.
 */
export function selectedRewardJoin(filter: RolloutFilter, rollout = 'ro'): SqlFragment {
  const condition = filter.reward_fn ? 'rw.reward_fn = ? and rw.reward_fn_version = ?' : "rw.source = 'online'";
  const bindings = filter.reward_fn ? [filter.reward_fn.name, filter.reward_fn.version] : [];
  return {
    sql: `left join lateral (
      select rw.reward, rw.reward_fn, rw.reward_fn_version, rw.source from rewards rw
      where rw.rollout_id = ${rollout}.rollout_id and ${condition}
      order by rw.occurred_at desc, rw.event_id desc limit 1
    ) sel on true`,
    bindings,
  };
}

/** `where` conditions of a filter over `rollouts ro` joined with `sel` (empty list = no filter). */
export function filterConditions(filter: RolloutFilter, rollout = 'ro'): SqlFragment[] {
  const conditions: SqlFragment[] = [];
  const add = (sql: string, ...bindings: unknown[]) => conditions.push({ sql, bindings });
  if (filter.run_id !== undefined) add(`${rollout}.run_id = ?`, filter.run_id);
  if (filter.task_id !== undefined) add(`${rollout}.task_id = ?`, filter.task_id);
  if (filter.domain !== undefined) add(`${rollout}.domain = ?`, filter.domain);
  if (filter.min_policy_version !== undefined) add(`${rollout}.policy_version >= ?`, filter.min_policy_version);
  if (filter.max_policy_version !== undefined) add(`${rollout}.policy_version <= ?`, filter.max_policy_version);
  if (filter.min_reward !== undefined) add('sel.reward >= ?', filter.min_reward);
  if (filter.max_reward !== undefined) add('sel.reward <= ?', filter.max_reward);
  if (filter.termination_reason !== undefined) add(`${rollout}.termination_reason = ?`, filter.termination_reason);
  if (filter.has_tool_error === true) add(`${rollout}.tool_error_count > 0`);
  if (filter.has_tool_error === false) add(`${rollout}.tool_error_count = 0`);
  if (filter.since !== undefined) add(`${rollout}.started_at >= ?`, new Date(filter.since));
  if (filter.until !== undefined) add(`${rollout}.started_at <= ?`, new Date(filter.until));
  return conditions;
}

export function whereClause(conditions: readonly SqlFragment[]): SqlFragment {
  if (conditions.length === 0) return { sql: '', bindings: [] };
  return { sql: `where ${conditions.map((c) => `(${c.sql})`).join(' and ')}`, bindings: conditions.flatMap((c) => c.bindings) };
}
