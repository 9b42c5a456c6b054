import type { Pool, PoolClient } from 'pg';
import { LedgerError, type EventType } from '@rollout-ledger/contracts';
import type { ConsumedMessage, MessageCoordinates } from '@rollout-ledger/kafka';
import { MaterializerErrorCodes, isDataError } from './materializer.errors';
import * as sql from './materializer.sql';
import { countedRolloutsTable, rewardsTable, tasksTable, toolCallsTable, turnsTable, type StagedTable } from './materializer.tables';
import { copyRowBuffers } from './copy-text';
import { countedRollouts } from './row-merge';
import { copyIn } from './postgres-copy';
import { encodeWrites, prepareInSteps, prepareNow, projectRecord, type EncodedWrites, type PartitionRecords, type PreparedWrite } from './prepared-write';
import type { RowWrites } from './row-writes';

export type { PartitionRecords, PreparedWrite } from './prepared-write';

const UNIQUE_VIOLATION = '23505';

export interface PoisonRecord {
  readonly message: ConsumedMessage;
  readonly error: LedgerError;
}

export interface WriteResult {
  /** Events stored for the first time (their rows projected). */
  readonly applied: number;
  readonly appliedByType: Readonly<Partial<Record<EventType, number>>>;
  /** Events whose event_id was already stored (re-delivered, or published twice). */
  readonly duplicates: number;
  /** Records below the Postgres checkpoint: another instance or an earlier run already wrote them. */
  readonly skipped: number;
  /** Dead-lettered in this transaction (handed to beforeCommit). */
  readonly poison: readonly PoisonRecord[];
  /** Next offset to read per partition, as committed to Postgres: commit these to Kafka. */
  readonly checkpoints: readonly MessageCoordinates[];
}

export interface WriteOptions {
  /**
   * Apply each event in its own savepoint, so one the database refuses becomes poison instead of
   * failing the batch (used after a batch failed on its data MATERIALIZER_MAX_TRIES times).
   */
  readonly isolate?: boolean;
  /** Runs inside the transaction before COMMIT: dead-letter the poison, or throw to roll back. */
  readonly beforeCommit?: (poison: readonly PoisonRecord[]) => Promise<void>;
  /** What prepare() made of these same batches ahead of the transaction; made here when absent. */
  readonly prepared?: PreparedWrite;
}

interface Candidate {
  readonly write: RowWrites;
  readonly message: ConsumedMessage;
}

/**
 * Writes fetched batches to Postgres in ONE transaction together with the consumer checkpoint:
 * the checkpoint rows are locked first, records below them skipped, new events stored (dedupe on
 * event_id), their rows merged, the checkpoint advanced, then COMMIT. A crash anywhere before the
 * commit leaves nothing behind; after it, the checkpoint says exactly what is in the tables.
 */
export class MaterializerWriter {
  private readonly staged = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly groupId: string,
  ) {}

  /**
   * Projects and encodes batches (the CPU half of write()), yielding to the event loop between
   * steps so the transaction in flight and the Kafka fetches keep moving meanwhile.
   */
  prepare(batches: readonly PartitionRecords[]): Promise<PreparedWrite> {
    return prepareInSteps(batches);
  }

  async write(batches: readonly PartitionRecords[], options: WriteOptions = {}): Promise<WriteResult> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await this.inTransaction(client, batches, options);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      // A connection that failed for a non-data reason is not trusted again.
      if (!isDataError(error)) broken ??= error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async connect(): Promise<PoolClient> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new LedgerError(MaterializerErrorCodes.postgresUnavailable, `cannot connect to PostgreSQL: ${(error as Error).message}`, true, undefined, { cause: error });
    }
    if (!this.staged.has(client)) {
      try {
        await client.query(sql.createStagingTables);
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      this.staged.add(client);
    }
    return client;
  }

  private async inTransaction(client: PoolClient, batches: readonly PartitionRecords[], options: WriteOptions): Promise<WriteResult> {
    if (options.prepared && options.prepared.batches !== batches) throw new Error('prepared for other batches');
    const prepared = options.prepared ?? prepareNow(batches);
    const partitions = uniquePartitions(batches);
    const topics = partitions.map((p) => p.topic);
    const numbers = partitions.map((p) => p.partition);
    await client.query(sql.ensureCheckpoints, [this.groupId, topics, numbers]);
    const locked = await client.query<{ topic: string; partition: number; next_offset: string }>(sql.lockCheckpoints, [this.groupId, topics, numbers]);
    const stored = new Map(locked.rows.map((row) => [slot(row.topic, row.partition), BigInt(row.next_offset)]));

    const poison: PoisonRecord[] = [];
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    const next = new Map<string, bigint>();
    let skipped = 0;
    let duplicates = 0;
    for (const batch of batches) {
      const key = slot(batch.topic, batch.partition);
      const from = stored.get(key) ?? 0n;
      for (const record of batch.records) {
        const offset = BigInt(record.message.offset);
        if (offset + 1n > (next.get(key) ?? from)) next.set(key, offset + 1n);
        if (offset < from) {
          skipped++;
          continue;
        }
        if (record.kind === 'poison') {
          poison.push({ message: record.message, error: record.error });
          continue;
        }
        const eventId = record.event.data.event_id;
        if (seen.has(eventId)) {
          duplicates++;
          continue;
        }
        seen.add(eventId);
        const write = prepared.projected.get(record) ?? projectRecord(record);
        if (write instanceof LedgerError) poison.push({ message: record.message, error: write });
        else candidates.push({ write, message: record.message });
      }
    }

    let applied: Candidate[];
    let refused = 0;
    if (options.isolate) {
      applied = [];
      for (const candidate of candidates) {
        await client.query('SAVEPOINT materializer_event');
        try {
          applied.push(...(await this.apply(client, [candidate], true, null)));
          await client.query('RELEASE SAVEPOINT materializer_event');
        } catch (error) {
          if (!isDataError(error)) throw error;
          await client.query('ROLLBACK TO SAVEPOINT materializer_event');
          poison.push({ message: candidate.message, error: rejected(error) });
          refused++;
        }
      }
    } else {
      // Usually nothing was skipped: the rows encoded ahead of the transaction are the ones to write.
      const asPrepared = candidates.length === prepared.writes.length && candidates.every((c, i) => c.write === prepared.writes[i]);
      applied = await this.apply(client, candidates, false, asPrepared ? prepared.encoded : null);
    }
    duplicates += candidates.length - applied.length - refused;

    if (options.beforeCommit && poison.length > 0) await options.beforeCommit(poison);
    const advanced = [...next].filter(([key, offset]) => offset > (stored.get(key) ?? 0n));
    if (advanced.length > 0) {
      await client.query(sql.advanceCheckpoints, [
        this.groupId,
        advanced.map(([key]) => parseSlot(key).topic),
        advanced.map(([key]) => parseSlot(key).partition),
        advanced.map(([, offset]) => offset.toString()),
      ]);
    }
    const checkpoints = partitions.map((p) => {
      const key = slot(p.topic, p.partition);
      const offset = next.get(key) ?? 0n;
      const before = stored.get(key) ?? 0n;
      return { topic: p.topic, partition: p.partition, offset: (offset > before ? offset : before).toString() };
    });
    const appliedByType: Partial<Record<EventType, number>> = {};
    for (const c of applied) appliedByType[c.write.event.event_type] = (appliedByType[c.write.event.event_type] ?? 0) + 1;
    return { applied: applied.length, appliedByType, duplicates, skipped, poison, checkpoints };
  }

  /**
   * Stores the events, then the rows of those that were new; returns the new ones. Usually every
   * event is new, and every key of the rows but those of rollouts stored earlier: the fast path
   * COPYs the events, the new rollouts (with their counters), the turns and the tool calls straight
   * into their tables under a savepoint, and merges only the rollouts stored before. Should a key
   * exist after all — an event published twice, a turn or tool call recorded again under a new
   * event id, a rollout another writer stored meanwhile (SQLSTATE 23505) — the savepoint undoes it
   * and the careful path runs: look up which events are stored, and merge every row through the
   * staging tables, which settles each key by stamp.
   */
  private async apply(client: PoolClient, candidates: readonly Candidate[], truncate: boolean, encoded: EncodedWrites | null): Promise<Candidate[]> {
    if (candidates.length === 0) return [];
    if (truncate) await client.query(sql.truncateStagingTables);
    const prepared = encoded ?? encodeWrites(candidates.map((c) => c.write));
    await client.query(sql.directSavepoint);
    let fresh: ReadonlySet<string>;
    try {
      fresh = await this.writeDirect(client, prepared);
      await client.query(sql.releaseDirect);
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await client.query(sql.rollbackDirect);
      return this.applyCareful(client, candidates, prepared);
    }
    await this.writeOthers(client, prepared);
    const recount = prepared.batch.recount.filter((id) => !fresh.has(id));
    if (recount.length > 0) await client.query(sql.recountRollouts, [recount]);
    return [...candidates];
  }

  /** The fast path's direct COPYs, and the merge of the rollouts stored before; returns the ids of the rollouts COPYed new. */
  private async writeDirect(client: PoolClient, rows: EncodedWrites): Promise<ReadonlySet<string>> {
    await copyIn(client, sql.copyIntoEvents, rows.events);
    const rollouts = rows.batch.rollouts;
    const stored = rollouts.length === 0 ? [] : (await client.query<{ rollout_id: string }>(sql.storedRolloutIds, [rollouts.map((r) => r.rollout_id)])).rows;
    const existing = new Set(stored.map((row) => row.rollout_id));
    // Usually none is stored and the rows encoded ahead are the ones to COPY; else the two parts are encoded here.
    const counted = existing.size === 0 ? [] : countedRollouts(rows.batch);
    const fresh = existing.size === 0 ? rows.rollouts : copyRowBuffers(countedRolloutsTable.columns, counted.filter((r) => !existing.has(r.patch.rollout_id)));
    await copyIn(client, sql.copyIntoRollouts, fresh);
    await copyIn(client, sql.copyIntoTurns, rows.turns);
    await copyIn(client, sql.copyIntoToolCalls, rows.toolCalls);
    if (existing.size > 0) await this.upsert(client, countedRolloutsTable, copyRowBuffers(countedRolloutsTable.columns, counted.filter((r) => existing.has(r.patch.rollout_id))), sql.upsertRollouts);
    return new Set(rollouts.filter((r) => !existing.has(r.rollout_id)).map((r) => r.rollout_id));
  }

  private async applyCareful(client: PoolClient, candidates: readonly Candidate[], prepared: EncodedWrites): Promise<Candidate[]> {
    const stored = await client.query<{ event_id: string }>(sql.storedEventIds, [candidates.map((c) => c.write.event.event_id)]);
    const known = new Set(stored.rows.map((row) => row.event_id));
    const created = known.size === 0 ? [...candidates] : candidates.filter((c) => !known.has(c.write.event.event_id));
    if (created.length === 0) return [];
    const rows = known.size === 0 ? prepared : encodeWrites(created.map((c) => c.write));
    await copyIn(client, sql.copyIntoEvents, rows.events);
    await this.upsert(client, countedRolloutsTable, rows.rollouts, sql.upsertRollouts);
    await this.upsert(client, turnsTable, rows.turns, sql.upsertTurns);
    await this.upsert(client, toolCallsTable, rows.toolCalls, sql.upsertToolCalls);
    await this.writeOthers(client, rows);
    if (rows.batch.recount.length > 0) await client.query(sql.recountRollouts, [rows.batch.recount]);
    return created;
  }

  /** Rewards and tasks: few rows, always merged (a reward's identity or a task is often stored already). */
  private async writeOthers(client: PoolClient, rows: EncodedWrites): Promise<void> {
    await this.upsert(client, rewardsTable, rows.rewards, sql.upsertRewards);
    await this.upsert(client, tasksTable, rows.tasks, sql.upsertTasks);
  }

  private async upsert(client: PoolClient, table: StagedTable<never>, payload: readonly Buffer[], upsertSql: string): Promise<void> {
    if (payload.length === 0) return;
    await copyIn(client, sql.copyInto(table), payload);
    await client.query(upsertSql);
  }
}

function slot(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

function parseSlot(key: string): { topic: string; partition: number } {
  const colon = key.indexOf(':');
  return { partition: Number(key.slice(0, colon)), topic: key.slice(colon + 1) };
}

function uniquePartitions(batches: readonly PartitionRecords[]): { topic: string; partition: number }[] {
  const seen = new Map<string, { topic: string; partition: number }>();
  for (const b of batches) seen.set(slot(b.topic, b.partition), { topic: b.topic, partition: b.partition });
  return [...seen.values()];
}

function rejected(error: unknown): LedgerError {
  const e = error as { message?: string; code?: string };
  return new LedgerError(MaterializerErrorCodes.eventRejectedByDatabase, `PostgreSQL refused the event's rows (SQLSTATE ${e.code}): ${e.message}`, false, { sqlstate: e.code }, { cause: error });
}
