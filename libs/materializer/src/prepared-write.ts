import { LedgerError } from '@rollout-ledger/contracts';
import type { ConsumedRecord } from '@rollout-ledger/kafka';
import { copyRowBuffers } from './copy-text';
import { projectEvent } from './event-rows.projection';
import { asProjectionError } from './materializer.errors';
import { countedRolloutsTable, eventsTable, rewardsTable, tasksTable, toolCallsTable, turnsTable } from './materializer.tables';
import { countedRollouts, reduceWrites } from './row-merge';
import type { BatchWrites, RowWrites } from './row-writes';

/** The records of one Kafka partition, in offset order, as the consumer fetched them. */
export interface PartitionRecords {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
}

/** The rows of some new events, reduced and in COPY text format, ready for one transaction. */
export interface EncodedWrites {
  readonly batch: BatchWrites;
  readonly events: readonly Buffer[];
  /** `countedRolloutsTable` rows. */
  readonly rollouts: readonly Buffer[];
  readonly turns: readonly Buffer[];
  readonly toolCalls: readonly Buffer[];
  readonly rewards: readonly Buffer[];
  readonly tasks: readonly Buffer[];
}

/**
 * The CPU half of a write, done before its transaction (while Postgres still works on the previous
 * one): every record projected, and the rows encoded for the usual case — no record below a
 * checkpoint and no event stored already. The transaction reuses `encoded` when its candidates are
 * exactly `writes`, and re-encodes the subset otherwise.
 */
export interface PreparedWrite {
  readonly batches: readonly PartitionRecords[];
  readonly projected: ReadonlyMap<ConsumedRecord, RowWrites | LedgerError>;
  /** The projectable events, first occurrence of each event_id, in record order. */
  readonly writes: readonly RowWrites[];
  readonly encoded: EncodedWrites;
}

/** Records between two yields of prepareWrite: small enough not to hold up a transaction's next statement for long. */
const STEP_RECORDS = 250;

export function encodeWrites(writes: readonly RowWrites[]): EncodedWrites {
  const steps = encodeSteps(writes);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function* encodeSteps(writes: readonly RowWrites[]): Generator<void, EncodedWrites> {
  const batch = reduceWrites(writes);
  yield;
  const events = copyRowBuffers(eventsTable.columns, batch.events);
  yield;
  const turns = copyRowBuffers(turnsTable.columns, batch.turns);
  yield;
  return {
    batch,
    events,
    rollouts: copyRowBuffers(countedRolloutsTable.columns, countedRollouts(batch)),
    turns,
    toolCalls: copyRowBuffers(toolCallsTable.columns, batch.toolCalls),
    rewards: copyRowBuffers(rewardsTable.columns, batch.rewards),
    tasks: copyRowBuffers(tasksTable.columns, batch.tasks),
  };
}

export function projectRecord(record: ConsumedRecord & { kind: 'event' }): RowWrites | LedgerError {
  try {
    const { message } = record;
    return projectEvent(record.event, { topic: message.topic, partition: message.partition, offset: message.offset, schemaId: record.event.schemaId });
  } catch (error) {
    return asProjectionError(error);
  }
}

/** A generator so the caller decides: run it through (prepareNow) or yield to the event loop between steps. */
function* prepareSteps(batches: readonly PartitionRecords[]): Generator<void, PreparedWrite> {
  const projected = new Map<ConsumedRecord, RowWrites | LedgerError>();
  const writes: RowWrites[] = [];
  const seen = new Set<string>();
  let n = 0;
  for (const batch of batches) {
    for (const record of batch.records) {
      if (record.kind !== 'event') continue;
      const write = projectRecord(record);
      projected.set(record, write);
      if (write instanceof LedgerError || seen.has(write.event.event_id)) continue;
      seen.add(write.event.event_id);
      writes.push(write);
      if (++n % STEP_RECORDS === 0) yield;
    }
  }
  yield;
  const encoded = yield* encodeSteps(writes);
  return { batches, projected, writes, encoded };
}

export function prepareNow(batches: readonly PartitionRecords[]): PreparedWrite {
  const steps = prepareSteps(batches);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Like prepareNow, letting I/O callbacks (the running transaction, Kafka fetches) in between steps. */
export async function prepareInSteps(batches: readonly PartitionRecords[]): Promise<PreparedWrite> {
  const steps = prepareSteps(batches);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
