import type { Knex } from 'knex';
import { LedgerError } from '@rollout-ledger/contracts';
import type { Trajectory } from '@rollout-ledger/trajectory';
import type { EventRow, RewardRow, RolloutRow, ToolCallRow, TurnRow } from './history-rows';
import { toDetail, toEventView, toSummary, toTrajectory } from './history.mapper';
import { decodeCursor, encodeCursor } from './rollout-cursor';
import type { RolloutFilter } from './rollout-filter';
import { queryRolloutDetailRows } from './rollout-detail.query';
import { queryExportBoundaries, querySftPage, type ExportRange, type SftPage } from './sft-page.query';
import { REWARD_COLUMNS, REWARD_ORDER, ROLLOUT_COLUMNS, TOOL_CALL_COLUMNS, TOOL_CALL_ORDER, TURN_COLUMNS, TURN_ORDER } from './history-columns';
import { filterConditions, selectedRewardJoin, whereClause, type SqlFragment } from './rollout-sql';
import type { RolloutDetail, RolloutEventView, RolloutPage } from './query.types';

/** A page of rollout rows with their children, in the order of the page. */
export interface HistoryPage {
  readonly trajectories: readonly Trajectory[];
  /** Keyset position after the last row; null when this was the last page. */
  readonly next: ExportPosition | null;
}

/** Exports walk rollouts by (group_id, rollout_id) so the members of a group arrive together. */
export interface ExportPosition {
  readonly group_id: string;
  readonly rollout_id: string;
}

export class RolloutNotFoundError extends LedgerError {
  constructor(rolloutId: string) {
    super('ROLLOUT_NOT_FOUND', `rollout "${rolloutId}" not found`);
  }
}

/** Read access to the materialized history. Every value reaches SQL as a binding. */
export class RolloutRepository {
  constructor(private readonly db: Knex) {}

  async list(filter: RolloutFilter, page: { readonly limit: number; readonly cursor?: string }): Promise<RolloutPage> {
    const conditions = filterConditions(filter);
    if (page.cursor !== undefined) conditions.push({ sql: 'ro.rollout_id > ?', bindings: [decodeCursor(page.cursor).rollout_id] });
    const rows = await this.selectRollouts(filter, conditions, 'order by ro.rollout_id', page.limit + 1);
    const items = rows.slice(0, page.limit).map(toSummary);
    const last = items.at(-1);
    return { items, next_cursor: rows.length > page.limit && last ? encodeCursor({ rollout_id: last.rollout_id }) : null };
  }

  async count(filter: RolloutFilter): Promise<number> {
    const join = selectedRewardJoin(filter);
    const where = whereClause(filterConditions(filter));
    const needsReward = filter.min_reward !== undefined || filter.max_reward !== undefined;
    const sql = `select count(*)::bigint as n from rollouts ro ${needsReward ? join.sql : ''} ${where.sql}`;
    const result = await this.db.raw(sql, [...(needsReward ? join.bindings : []), ...where.bindings]);
    return Number(result.rows[0].n);
  }

  async get(rolloutId: string): Promise<RolloutDetail> {
    const { rollout, turns, calls, rewards } = await queryRolloutDetailRows(this.db, rolloutId);
    if (rollout === null) throw new RolloutNotFoundError(rolloutId);
    return toDetail(rollout, turns, calls, rewards);
  }

  async events(rolloutId: string): Promise<RolloutEventView[]> {
    const result = await this.db.raw(
      `select event_id, event_type, topic, partition, "offset"::text as "offset", schema_id, occurred_at, recorded_at, payload
       from events where rollout_id = ? order by topic, partition, "offset", event_id`,
      [rolloutId],
    );
    const rows = result.rows as EventRow[];
    if (rows.length === 0) {
      const exists = await this.db.raw('select 1 from rollouts where rollout_id = ?', [rolloutId]);
      if (exists.rows.length === 0) throw new RolloutNotFoundError(rolloutId);
    }
    return rows.map(toEventView);
  }

  /** One keyset page for exports, ordered by (group_id, rollout_id), children included. */
  async exportPage(filter: RolloutFilter, after: ExportPosition | null, limit: number): Promise<HistoryPage> {
    const conditions = filterConditions(filter);
    if (after !== null) conditions.push({ sql: '(ro.group_id, ro.rollout_id) > (?, ?)', bindings: [after.group_id, after.rollout_id] });
    const rows = await this.selectRollouts(filter, conditions, 'order by ro.group_id, ro.rollout_id', limit);
    const [turns, calls, rewards] = await this.children(rows.map((row) => row.rollout_id));
    const turnsBy = groupBy(turns), callsBy = groupBy(calls), rewardsBy = groupBy(rewards);
    const trajectories = rows.map((row) =>
      toTrajectory(row, turnsBy.get(row.rollout_id) ?? [], callsBy.get(row.rollout_id) ?? [], rewardsBy.get(row.rollout_id) ?? []),
    );
    const last = rows.at(-1);
    return { trajectories, next: rows.length === limit && last ? { group_id: last.group_id, rollout_id: last.rollout_id } : null };
  }

  /** One keyset page of SFT lines' messages rendered by Postgres (same order and filters as exportPage). */
  sftPage(filter: RolloutFilter, range: ExportRange, limit: number, weights: boolean): Promise<SftPage> {
    return querySftPage(this.db, filter, range, limit, weights);
  }

  /** Every `every`-th export position under the filter (range cuts for concurrent pages). */
  exportBoundaries(filter: RolloutFilter, every: number): Promise<ExportPosition[]> {
    return queryExportBoundaries(this.db, filter, every);
  }

  /** These rollouts as trajectories, in the export order; for the rows a fast export path cannot render. */
  async trajectoriesByIds(ids: readonly string[]): Promise<Trajectory[]> {
    if (ids.length === 0) return [];
    const rows = await this.selectRollouts({}, [{ sql: 'ro.rollout_id = any(?)', bindings: [ids] }], 'order by ro.group_id, ro.rollout_id', ids.length);
    const [turns, calls, rewards] = await this.children(rows.map((row) => row.rollout_id));
    const turnsBy = groupBy(turns), callsBy = groupBy(calls), rewardsBy = groupBy(rewards);
    return rows.map((row) =>
      toTrajectory(row, turnsBy.get(row.rollout_id) ?? [], callsBy.get(row.rollout_id) ?? [], rewardsBy.get(row.rollout_id) ?? []),
    );
  }

  private async selectRollouts(filter: RolloutFilter, conditions: SqlFragment[], orderBy: string, limit: number): Promise<RolloutRow[]> {
    const join = selectedRewardJoin(filter);
    const where = whereClause(conditions);
    const sql = `select ${ROLLOUT_COLUMNS} from rollouts ro ${join.sql} ${where.sql} ${orderBy} limit ?`;
    const result = await this.db.raw(sql, [...join.bindings, ...where.bindings, limit]);
    return result.rows as RolloutRow[];
  }

  private async children(ids: readonly string[]): Promise<[TurnRow[], ToolCallRow[], RewardRow[]]> {
    if (ids.length === 0) return [[], [], []];
    const [turns, calls, rewards] = await Promise.all([
      this.db.raw(`select ${TURN_COLUMNS} from turns where rollout_id = any(?) order by ${TURN_ORDER}`, [ids]),
      this.db.raw(`select ${TOOL_CALL_COLUMNS} from tool_calls where rollout_id = any(?) order by ${TOOL_CALL_ORDER}`, [ids]),
      this.db.raw(`select ${REWARD_COLUMNS} from rewards where rollout_id = any(?) order by ${REWARD_ORDER}`, [ids]),
    ]);
    return [turns.rows, calls.rows, rewards.rows];
  }
}

function groupBy<T extends { readonly rollout_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.rollout_id);
    if (list) list.push(row);
    else map.set(row.rollout_id, [row]);
  }
  return map;
}
