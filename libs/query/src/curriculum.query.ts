import type { Knex } from 'knex';
import { computeCurriculum, resolveCurriculumOptions, type AttemptRecord, type CurriculumOptions, type TaskCurriculumStats } from '@rollout-ledger/curriculum';
import type { RolloutFilter } from './rollout-filter';
import { filterConditions, selectedRewardJoin, whereClause, type SqlFragment } from './rollout-sql';
import { toMillis, toNumber } from './row-values';

/**
 * Loads the attempts the curriculum window covers and hands them to libs/curriculum. The window is
 * pushed down into SQL (top K policy versions, or the newest N attempts per task via row_number)
 * so only the attempts that count leave the database; the pure function applies it again, which
 * changes nothing. An attempt is a rollout with the selected reward (unscored ones cannot pass).
 */
export async function queryCurriculum(db: Knex, filter: RolloutFilter, options: CurriculumOptions): Promise<TaskCurriculumStats[]> {
  resolveCurriculumOptions(options); // bad thresholds or window fail before any query runs
  const join = selectedRewardJoin(filter);
  const conditions: SqlFragment[] = [
    { sql: 'ro.task_id is not null and ro.domain is not null and ro.policy_version is not null and sel.reward is not null', bindings: [] },
    ...filterConditions(filter),
  ];
  if (options.window.kind === 'policy_versions') {
    const floor = await lowestRecentVersion(db, join, conditions, options.window.last);
    if (floor === null) return [];
    conditions.push({ sql: 'ro.policy_version >= ?', bindings: [floor] });
  }
  const where = whereClause(conditions);
  const perTask = options.window.kind === 'attempts';
  const sql = `
    select task_id, domain, policy_version, at, reward from (
      select ro.task_id, ro.domain, ro.policy_version, coalesce(ro.completed_at, ro.started_at, ro.updated_at) as at, sel.reward,
             row_number() over (partition by ro.domain, ro.task_id
                                order by coalesce(ro.completed_at, ro.started_at, ro.updated_at) desc, ro.policy_version desc, sel.reward desc) as newest
      from rollouts ro ${join.sql} ${where.sql}
    ) attempts ${perTask ? 'where newest <= ?' : ''}`;
  const bindings = [...join.bindings, ...where.bindings, ...(perTask && options.window.kind === 'attempts' ? [options.window.last] : [])];
  const result = await db.raw(sql, bindings);
  const records: AttemptRecord[] = (result.rows as Array<Record<string, unknown>>).map((row) => ({
    task_id: String(row.task_id),
    domain: String(row.domain),
    policy_version: toNumber(row.policy_version) ?? 0,
    occurred_at: toMillis(row.at) ?? 0,
    reward: Number(row.reward),
  }));
  return computeCurriculum(records, options);
}

async function lowestRecentVersion(db: Knex, join: SqlFragment, conditions: readonly SqlFragment[], last: number): Promise<number | null> {
  const where = whereClause(conditions);
  const result = await db.raw(
    `select min(policy_version) as floor from (
       select distinct ro.policy_version from rollouts ro ${join.sql} ${where.sql} order by ro.policy_version desc limit ?
     ) recent`,
    [...join.bindings, ...where.bindings, last],
  );
  return toNumber(result.rows[0]?.floor);
}
