import type { Knex } from 'knex';
import type { ExportPosition } from './rollout.repository';
import type { RolloutFilter } from './rollout-filter';
import { filterConditions, selectedRewardJoin, whereClause } from './rollout-sql';
import { SFT_MESSAGES_COLUMN, SFT_MESSAGES_LATERAL } from './sft-lines.sql';

/** One rollout of an SFT page: `messages` is its rendered JSON array, or null (render it the reference way). */
export interface SftPageRow {
  readonly group_id: string;
  readonly rollout_id: string;
  /** The stored `tools` jsonb as Postgres prints it (null when absent); see ToolsJsonCache. */
  readonly tools: string | null;
  readonly messages: string | null;
}

/** Keyset bounds in the export order: after `after` (exclusive), up to `until` (inclusive); null = open. */
export interface ExportRange {
  readonly after: ExportPosition | null;
  readonly until: ExportPosition | null;
}

export interface SftPage {
  readonly rows: readonly SftPageRow[];
  readonly next: ExportPosition | null;
}

/**
 * One keyset page of SFT messages, rendered by Postgres, in the order of `exportPage` (group_id,
 * rollout_id) and with the same filters. The page is cut first and rendered after, so the
 * per-rollout work runs only for the rows of the page. JIT is off for it: the planner's cost of
 * the string building triggers LLVM compilation that takes longer (~0.6 s) than the page itself.
 */
export async function querySftPage(db: Knex, filter: RolloutFilter, range: ExportRange, limit: number, weights: boolean): Promise<SftPage> {
  const conditions = rangeConditions(filter, range);
  const join = selectedRewardJoin(filter);
  const where = whereClause(conditions);
  const sql = `with p as materialized (
      select ro.group_id, ro.rollout_id, ro.system_prompt, ro.tools from rollouts ro ${join.sql} ${where.sql}
      order by ro.group_id, ro.rollout_id limit ?
    )
    select p.group_id, p.rollout_id, p.tools::text as tools, ${SFT_MESSAGES_COLUMN} as messages
    from p cross join (select ?::boolean as weights) w ${SFT_MESSAGES_LATERAL}
    order by p.group_id, p.rollout_id`;
  const rows = await db.transaction(async (trx) => {
    await trx.raw('set local jit = off');
    return (await trx.raw(sql, [...join.bindings, ...where.bindings, limit, weights])).rows as SftPageRow[];
  });
  const last = rows.at(-1);
  const full = rows.length === limit && last !== undefined;
  // A range cut at every limit-th row ends on its `until` row: no need to ask for an empty page.
  const atEnd = last !== undefined && range.until !== null && last.group_id === range.until.group_id && last.rollout_id === range.until.rollout_id;
  return { rows, next: full && !atEnd ? { group_id: last.group_id, rollout_id: last.rollout_id } : null };
}

/**
 * Every `every`-th position of the filtered export order, so an export can cut its keyset into
 * ranges up front and have several pages rendered at once (one Postgres backend per page; a
 * single keyset walk leaves all but one core idle). One index-order pass over the keys only.
 */
export async function queryExportBoundaries(db: Knex, filter: RolloutFilter, every: number): Promise<ExportPosition[]> {
  const join = selectedRewardJoin(filter);
  const where = whereClause(filterConditions(filter));
  const needsReward = filter.min_reward !== undefined || filter.max_reward !== undefined;
  const sql = `select group_id, rollout_id from (
      select ro.group_id, ro.rollout_id, row_number() over (order by ro.group_id, ro.rollout_id) as n
      from rollouts ro ${needsReward ? join.sql : ''} ${where.sql}
    ) k where k.n % ? = 0 order by k.n`;
  const result = await db.raw(sql, [...(needsReward ? join.bindings : []), ...where.bindings, every]);
  return result.rows as ExportPosition[];
}

function rangeConditions(filter: RolloutFilter, range: ExportRange) {
  const conditions = filterConditions(filter);
  if (range.after !== null) conditions.push({ sql: '(ro.group_id, ro.rollout_id) > (?, ?)', bindings: [range.after.group_id, range.after.rollout_id] });
  if (range.until !== null) conditions.push({ sql: '(ro.group_id, ro.rollout_id) <= (?, ?)', bindings: [range.until.group_id, range.until.rollout_id] });
  return conditions;
}
