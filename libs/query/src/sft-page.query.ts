import type { Knex } from 'knex';
import type { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ExportPosition } from './rollout.repository';
import type { RolloutFilter } from './rollout-filter';
import { filterConditions, selectedRewardJoin, whereClause } from './rollout-sql';
import { SFT_MESSAGES_COLUMN, SFT_MESSAGES_LATERAL } from './sft-lines.sql';

/** Keyset bounds in the export order: after `after` (exclusive), up to `until` (inclusive); null = open. */
export interface ExportRange {
  readonly after: ExportPosition | null;
  readonly until: ExportPosition | null;
}

/**
 * One keyset page of SFT messages rendered by Postgres, as the raw bytes it sent: line i of
 * `body` belongs to `keys[i]` and reads `<messages>` SFT_FIELD `<tools>` "\n", where either field
 * is SFT_NULL when null (messages null: render that rollout the reference way; tools null: none).
 * See `SftPageReader`, which walks these lines.
 */
export interface SftPage {
  /** The page's rollouts, in the export order (group_id, rollout_id). */
  readonly keys: readonly ExportPosition[];
  readonly body: Buffer;
  readonly next: ExportPosition | null;
}

/** Field separator and null marker of the page body: control characters no rendered JSON holds. */
export const SFT_FIELD = 0x02;
export const SFT_NULL = 0x03;

const PAGE_SETTING = 'rollout_ledger.sft_page';

/**
 * One keyset page of the SFT export, in the order of `exportPage` (group_id, rollout_id) and with
 * the same filters. Two steps: the page's keys are selected with bound parameters, then Postgres
 * renders those rollouts into a COPY … TO STDOUT stream, so the bytes go from the socket to the
 * output without being decoded into strings and encoded again (that was most of the export
 * process's CPU). COPY takes no parameters: the page's ids reach it as data, through a
 * transaction-local setting written with a bound parameter — no value is ever spliced into SQL.
 *
 * The stream is CSV with a quote character (\x01), a delimiter (\x02) and a null marker (\x03)
 * that rendered JSON never contains (to_json and jsonb escape every control character), so
 * Postgres writes each field verbatim: no COPY escaping to undo. JIT is off: the planner's cost of
 * the string building triggers LLVM compilation that takes longer (~0.6 s) than the page itself.
 */
export async function querySftPage(db: Knex, filter: RolloutFilter, range: ExportRange, limit: number, weights: boolean): Promise<SftPage> {
  const conditions = rangeConditions(filter, range);
  const join = selectedRewardJoin(filter);
  const where = whereClause(conditions);
  const keys = (
    await db.raw(`select ro.group_id, ro.rollout_id from rollouts ro ${join.sql} ${where.sql} order by ro.group_id, ro.rollout_id limit ?`, [
      ...join.bindings,
      ...where.bindings,
      limit,
    ])
  ).rows as ExportPosition[];
  const last = keys.at(-1);
  if (last === undefined) return { keys, body: Buffer.alloc(0), next: null };
  const body = await renderKeys(db, keys, weights);
  const full = keys.length === limit;
  // A range cut at every limit-th row ends on its `until` row: no need to ask for an empty page.
  const atEnd = range.until !== null && last.group_id === range.until.group_id && last.rollout_id === range.until.rollout_id;
  return { keys, body, next: full && !atEnd ? { group_id: last.group_id, rollout_id: last.rollout_id } : null };
}

// The page's rollouts in the order of the ids given (ordinality).
const RENDER_SQL = (weights: boolean) => `copy (
  with p as materialized (
    select ro.group_id, ro.rollout_id, ro.system_prompt, ro.tools, k.n
    from json_array_elements_text(current_setting('${PAGE_SETTING}')::json) with ordinality k(rollout_id, n)
    join rollouts ro on ro.rollout_id = k.rollout_id
  )
  select ${SFT_MESSAGES_COLUMN} as messages, p.tools::text as tools
  from p cross join (select ${weights ? 'true' : 'false'}::boolean as weights) w ${SFT_MESSAGES_LATERAL}
  order by p.n
) to stdout with (format csv, delimiter E'\\x02', quote E'\\x01', null E'\\x03')`;

async function renderKeys(db: Knex, keys: readonly ExportPosition[], weights: boolean): Promise<Buffer> {
  const client = (await db.client.acquireConnection()) as Client;
  let broken: unknown;
  try {
    await client.query('begin');
    await client.query('set local jit = off');
    await client.query('select set_config($1, $2, true)', [PAGE_SETTING, JSON.stringify(keys.map((k) => k.rollout_id))]);
    const chunks: Buffer[] = [];
    const stream = client.query(copyTo(RENDER_SQL(weights)));
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    await client.query('commit');
    return Buffer.concat(chunks);
  } catch (error) {
    broken = error;
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    // A connection whose COPY failed half way is not handed out again (knex's pool drops a
    // connection marked disposed when it validates it).
    if (broken !== undefined) (client as unknown as { __knex__disposed?: unknown }).__knex__disposed = broken;
    await db.client.releaseConnection(client);
  }
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
