import type { Knex } from 'knex';
import { REWARD_COLUMNS, REWARD_ORDER, ROLLOUT_COLUMNS, TOOL_CALL_COLUMNS, TOOL_CALL_ORDER, TURN_COLUMNS, TURN_ORDER } from './history-columns';
import type { RewardRow, RolloutRow, ToolCallRow, TurnRow } from './history-rows';
import { selectedRewardJoin } from './rollout-sql';

export interface RolloutDetailRows {
  readonly rollout: RolloutRow | null;
  readonly turns: TurnRow[];
  readonly calls: ToolCallRow[];
  readonly rewards: RewardRow[];
}

/**
 * A rollout and its children in ONE statement (one round trip, one planning, one pooled
 * connection): the rows are the repository's usual columns, each table aggregated to a JSON
 * array. JSON carries the same values the driver would give: jsonb as the same parsed JSON,
 * float8/float4 in their shortest exact text, bigint as numbers (the mapper takes both).
 */
export async function queryRolloutDetailRows(db: Knex, rolloutId: string): Promise<RolloutDetailRows> {
  const join = selectedRewardJoin({});
  const sql = `select
      (select row_to_json(r) from (select ${ROLLOUT_COLUMNS} from rollouts ro ${join.sql} where ro.rollout_id = ?) r) as rollout,
      (select coalesce(json_agg(t order by ${TURN_ORDER}), '[]') from (select ${TURN_COLUMNS} from turns where rollout_id = ?) t) as turns,
      (select coalesce(json_agg(c order by ${TOOL_CALL_ORDER}), '[]') from (select ${TOOL_CALL_COLUMNS} from tool_calls where rollout_id = ?) c) as calls,
      (select coalesce(json_agg(w order by ${REWARD_ORDER}), '[]') from (select ${REWARD_COLUMNS} from rewards where rollout_id = ?) w) as rewards`;
  const result = await db.raw(sql, [...join.bindings, rolloutId, rolloutId, rolloutId, rolloutId]);
  return result.rows[0] as RolloutDetailRows;
}
