import { STAGED_TABLES, countedRolloutsTable, eventsTable, rewardsTable, rolloutsTable, tasksTable, toolCallsTable, turnsTable, type StagedTable } from './materializer.tables';

/**
 * The SQL of one materializer transaction. New events are COPYed into `events` directly, and so
 * are the rows whose keys are new (rollouts not stored yet, turns, tool calls); the others are
 * COPYed into session-local staging tables and merged from there with INSERT … ON CONFLICT, so a
 * batch costs a handful of statements whatever its size. Each upsert mirrors a rule of row-merge.ts; event ids compare with COLLATE "C" (byte
 * order) so Postgres and the in-memory model agree on which write is newer.
 */

const quote = (name: string): string => `"${name}"`;
const columnList = (table: StagedTable<never>): string => table.columns.map((c) => quote(c.name)).join(', ');

/** Run once per connection: temp tables vanish with the session and empty at every commit. */
export const createStagingTables = STAGED_TABLES.map(
  (t) => `CREATE TEMP TABLE IF NOT EXISTS ${t.stage} (LIKE ${t.table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
).join(';\n');

export const truncateStagingTables = `TRUNCATE ${STAGED_TABLES.map((t) => t.stage).join(', ')}`;

export function copyInto(table: StagedTable<never>): string {
  return `COPY ${table.stage} (${columnList(table)}) FROM STDIN`;
}

/**
 * Which of a batch's event ids are stored already (re-delivered, or published twice): asked only
 * when the direct COPY into `events` met one (SQLSTATE 23505); the others are then COPYed. Writers
 * of the same partitions are serialised by the checkpoint lock; should another instance store one
 * of the ids meanwhile (the same event published to two partitions), that COPY fails on the
 * primary key too and the batch is retried, when this lookup sees it.
 */
export const storedEventIds = 'SELECT event_id FROM events WHERE event_id = ANY($1::text[])';

/** COPY straight into a table (not its staging table): for rows whose key is not stored yet. */
function copyDirect(table: StagedTable<never>): string {
  return `COPY ${table.table} (${columnList(table)}) FROM STDIN`;
}

export const copyIntoEvents = copyDirect(eventsTable as StagedTable<never>);
export const copyIntoRollouts = copyDirect(countedRolloutsTable as StagedTable<never>);
export const copyIntoTurns = copyDirect(turnsTable as StagedTable<never>);
export const copyIntoToolCalls = copyDirect(toolCallsTable as StagedTable<never>);

/** Which of a batch's rollouts have a row already: only those need the merging upsert. */
export const storedRolloutIds = 'SELECT rollout_id FROM rollouts WHERE rollout_id = ANY($1::text[])';

/** Undone when a key COPYed directly turns out to exist: then every row goes through staging. */
export const directSavepoint = 'SAVEPOINT materializer_direct';
export const releaseDirect = 'RELEASE SAVEPOINT materializer_direct';
export const rollbackDirect = 'ROLLBACK TO SAVEPOINT materializer_direct';

const greaterStamp = (newAt: string, newId: string, oldAt: string, oldId: string): string =>
  `(${newAt} > ${oldAt} OR (${newAt} = ${oldAt} AND ${newId} COLLATE "C" > ${oldId} COLLATE "C"))`;

function keyedUpsert(table: StagedTable<never>, alias: string, key: readonly string[], stampAt: string, extraSet: readonly string[] = []): string {
  const set = table.columns
    .map((c) => c.name)
    .filter((name) => !key.includes(name))
    .map((name) => `${quote(name)} = excluded.${quote(name)}`)
    .concat(extraSet);
  return `INSERT INTO ${table.table} AS ${alias} (${columnList(table)})
SELECT ${columnList(table)} FROM ${table.stage}
ON CONFLICT (${key.map(quote).join(', ')}) DO UPDATE SET ${set.join(', ')}
WHERE ${greaterStamp(`excluded.${stampAt}`, 'excluded.event_id', `${alias}.${stampAt}`, `${alias}.event_id`)}`;
}

export const upsertTurns = keyedUpsert(turnsTable as StagedTable<never>, 't', ['rollout_id', 'turn_index'], 'occurred_at');
export const upsertToolCalls = keyedUpsert(toolCallsTable as StagedTable<never>, 'c', ['rollout_id', 'tool_call_id'], 'occurred_at');
export const upsertRewards = keyedUpsert(
  rewardsTable as StagedTable<never>,
  'w',
  ['rollout_id', 'reward_fn', 'reward_fn_version', 'source'],
  'occurred_at',
  ['recorded_at = now()'],
);
export const upsertTasks = keyedUpsert(tasksTable as StagedTable<never>, 'k', ['task_id'], 'defined_at', ['updated_at = now()']);

const START_COLUMNS = ['task_id', 'domain', 'group_size', 'policy_version', 'attempt', 'system_prompt', 'tools', 'user_simulator', 'sampling', 'labels', 'started_at', 'started_event_id'];
const COMPLETION_COLUMNS = ['termination_reason', 'num_turns', 'final_state_hash', 'duration_ms', 'completed_at', 'completed_event_id'];

function newerGroup(at: string, id: string): string {
  return `(excluded.${id} IS NOT NULL AND (r.${id} IS NULL OR ${greaterStamp(`excluded.${at}`, `excluded.${id}`, `r.${at}`, `r.${id}`)}))`;
}

/** Start and completion columns each move as a group, on their own event's stamp. */
export const upsertRollouts = `INSERT INTO rollouts AS r (${columnList(rolloutsTable as StagedTable<never>)})
SELECT ${columnList(rolloutsTable as StagedTable<never>)} FROM ${rolloutsTable.stage}
ON CONFLICT (rollout_id) DO UPDATE SET
  run_id = LEAST(r.run_id COLLATE "C", excluded.run_id COLLATE "C"),
  group_id = LEAST(r.group_id COLLATE "C", excluded.group_id COLLATE "C"),
  ${START_COLUMNS.map((c) => `${quote(c)} = CASE WHEN ${newerGroup('started_at', 'started_event_id')} THEN excluded.${quote(c)} ELSE r.${quote(c)} END`).join(',\n  ')},
  ${COMPLETION_COLUMNS.map((c) => `${quote(c)} = CASE WHEN ${newerGroup('completed_at', 'completed_event_id')} THEN excluded.${quote(c)} ELSE r.${quote(c)} END`).join(',\n  ')},
  updated_at = now()`;

/** Counters are recounted from the child rows: exact whatever was re-recorded or re-delivered. */
export const recountRollouts = `UPDATE rollouts r SET
  turn_count = (SELECT count(*) FROM turns t WHERE t.rollout_id = r.rollout_id),
  tool_call_count = (SELECT count(*) FROM tool_calls c WHERE c.rollout_id = r.rollout_id),
  tool_error_count = (SELECT count(*) FROM tool_calls c WHERE c.rollout_id = r.rollout_id AND (c.status <> 'ok' OR c.error IS NOT NULL)),
  updated_at = now()
WHERE r.rollout_id = ANY($1::text[])`;

export const ensureCheckpoints = `INSERT INTO consumer_checkpoints (consumer_group, topic, partition, next_offset)
SELECT $1, x.topic, x.partition, 0 FROM unnest($2::text[], $3::int[]) AS x(topic, partition)
ON CONFLICT DO NOTHING`;

/** Locked in a fixed order so two instances meeting during a rebalance cannot deadlock. */
export const lockCheckpoints = `SELECT c.topic, c.partition, c.next_offset::text AS next_offset FROM consumer_checkpoints c
JOIN unnest($2::text[], $3::int[]) AS x(topic, partition) ON c.topic = x.topic AND c.partition = x.partition
WHERE c.consumer_group = $1
ORDER BY c.topic, c.partition
FOR UPDATE OF c`;

/** GREATEST: a late writer (a zombie after a rebalance) never moves a checkpoint back. */
export const advanceCheckpoints = `UPDATE consumer_checkpoints c SET next_offset = GREATEST(c.next_offset, x.next_offset), updated_at = now()
FROM unnest($2::text[], $3::int[], $4::bigint[]) AS x(topic, partition, next_offset)
WHERE c.consumer_group = $1 AND c.topic = x.topic AND c.partition = x.partition`;

export const readCheckpoints = `SELECT topic, partition, next_offset::text AS next_offset FROM consumer_checkpoints WHERE consumer_group = $1 AND topic = ANY($2::text[])`;
