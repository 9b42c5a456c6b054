import type { Knex } from 'knex';
import type { RolloutFilter } from './rollout-filter';
import { filterConditions, selectedRewardJoin, whereClause } from './rollout-sql';
import type { TaskStats, TaskStatsFigures } from './query.types';
import { toNumber } from './row-values';

interface StatsRow {
  readonly task_id: string;
  readonly domain: string | null;
  readonly policy_version: string | null;
  readonly per_version: number;
  readonly attempts: string;
  readonly scored: string;
  readonly passes: string;
  readonly mean_reward: number | null;
  readonly mean_turns: string | null;
  readonly tool_error_rate: number | null;
}

/**
 * Per task and domain, overall and per policy version, in one grouping-sets scan. Attempts count
 * every rollout of the task (running ones included); pass rate and mean reward only those that
 * have the selected reward; turns are the reported num_turns, else the turns recorded so far.
 */
export async function queryTaskStats(db: Knex, filter: RolloutFilter, passThreshold: number): Promise<TaskStats[]> {
  const join = selectedRewardJoin(filter);
  const where = whereClause([{ sql: 'ro.task_id is not null', bindings: [] }, ...filterConditions(filter)]);
  const sql = `
    with base as (
      select ro.task_id, ro.domain, ro.policy_version, coalesce(ro.num_turns, ro.turn_count) as turns,
             ro.tool_call_count, ro.tool_error_count, sel.reward
      from rollouts ro ${join.sql} ${where.sql}
    )
    select task_id, domain, policy_version, (1 - grouping(policy_version)) as per_version,
           count(*) as attempts, count(reward) as scored, count(*) filter (where reward >= ?) as passes,
           avg(reward)::float8 as mean_reward, avg(turns) as mean_turns,
           (sum(tool_error_count)::float8 / nullif(sum(tool_call_count), 0)) as tool_error_rate
    from base
    group by grouping sets ((task_id, domain), (task_id, domain, policy_version))
    order by domain nulls first, task_id, per_version, policy_version nulls first`;
  const result = await db.raw(sql, [...join.bindings, ...where.bindings, passThreshold]);
  const stats: TaskStats[] = [];
  for (const row of result.rows as StatsRow[]) {
    if (row.per_version === 0) {
      stats.push({ task_id: row.task_id, domain: row.domain, ...figures(row), by_policy_version: [] });
    } else {
      const owner = stats.at(-1) as TaskStats;
      (owner.by_policy_version as unknown[]).push({ policy_version: toNumber(row.policy_version), ...figures(row) });
    }
  }
  return stats;
}

function figures(row: StatsRow): TaskStatsFigures {
  const scored = Number(row.scored);
  const passes = Number(row.passes);
  return {
    attempts: Number(row.attempts),
    scored,
    passes,
    pass_rate: scored === 0 ? null : passes / scored,
    mean_reward: row.mean_reward,
    mean_turns: row.mean_turns === null ? null : Number(row.mean_turns),
    tool_error_rate: row.tool_error_rate,
  };
}
