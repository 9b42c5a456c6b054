import type { Knex } from 'knex';
import { Logger } from '@nestjs/common';
import type { RolloutEvent } from '@rollout-ledger/contracts';
import {
  assembleBatch,
  evaluateGroup,
  evolveGroup,
  initialGroup,
  type AssembledBatch,
  type FilteredGroup,
  type GroupDecision,
  type GroupState,
  type ReadyGroup,
} from '@rollout-ledger/grpo';
import { groupConfigFor, type AssemblerSettings } from './assembler-settings';
import { batchEventIdOf, batchIdOf } from './batch-identity';
import type { BatchFileWriter } from './batch-file.writer';
import type { PayloadRow } from './batch-payload';
import { insertBatch } from './batch.repository';
import { startStep, type CheckpointWrite } from './checkpoint.repository';
import type { Clock } from './clock';
import {
  logFilter,
  markFiltered,
  markReady,
  oldestUndecidedOffset,
  pendingGroups,
  readyGroupsOf,
  runsWithReadyGroups,
  saveGroups,
  undecidedGroups,
  type GroupWrite,
  type StoredGroup,
} from './group.repository';
import { rewardFnsUsed } from './group-trajectories';
import { renderGroup, renderKey, type RenderedGroup } from './rendered-group';
import { PendingEventsBuffer, partitionKey } from './pending-events.buffer';
import { trainerVersionFor, versionsFingerprint, type TrainerVersion } from './trainer-versions';

/** A consumed message: its offset, and the rollout event it held (null for poison or other types). */
export interface OffsetRecord {
  readonly offset: string;
  readonly event: RolloutEvent | null;
}

/** The records of one fetch of one partition, in offset order. */
export interface PartitionRecords {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly OffsetRecord[];
}

/** A partition and an offset: the next one to apply (checkpoint) or the one a restart must read from. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface StepResult {
  readonly applied: number;
  readonly ready: number;
  readonly filtered: readonly FilteredGroup[];
  readonly batchIds: readonly string[];
}

export interface ApplyResult extends StepResult {
  /** Per partition, the offset to commit to Kafka: where a restart must start reading to rebuild the undecided groups. */
  readonly replayFrom: readonly PartitionOffset[];
}

export interface ApplyOptions {
  /** Called inside the transaction, before the checkpoints commit, with the first not-yet-applied offset of each partition. */
  readonly beforeCommit?: (firstFresh: readonly PartitionOffset[]) => Promise<void>;
}

const EMPTY: ApplyResult = { applied: 0, ready: 0, filtered: [], batchIds: [], replayFrom: [] };
const STATE_FREE: ReadonlySet<string> = new Set(['TurnRecorded', 'ToolCallRecorded']);

interface Step {
  readonly tx: Knex.Transaction;
  readonly now: number;
  readonly versions: readonly TrainerVersion[];
  applied: number;
  ready: number;
  readonly filtered: FilteredGroup[];
  readonly batchIds: string[];
  /** Groups batched or filtered in this step (or found decided): dropped from the buffer once it commits. */
  readonly settled: Set<string>;
  /** Groups whose rows this step writes. */
  readonly persisted: Set<string>;
  /** Groups that became ready in this step: their payload rows are rendered once it commits. */
  readonly readied: ReadyGroup[];
  /** Batches this step wrote, with their rendered rows: kept for their Parquet once it commits. */
  readonly created: { readonly batchId: string; readonly rows: readonly PayloadRow[] }[];
}

interface Located {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly event: RolloutEvent;
}

/**
 * The assembler's write side. Each call is one Postgres transaction, serialised per assembler by an
 * advisory lock: fold the events of several partitions' fetches into group state, decide with the
 * pure evaluateGroup, assemble batches with the pure assembleBatch and write their JSONL payloads,
 * move the checkpoints. Only RolloutStarted, RolloutCompleted and RewardAssigned change a group's
 * row; every event of an undecided group is kept in memory (PendingEventsBuffer) for its payload
 * and re-read from Kafka after a restart. A crash anywhere rolls the transaction back; redelivery
 * then redoes it.
 */
export class AssemblerEngine {
  private readonly logger = new Logger('grpo-assembler');
  private lastFingerprint: string | null = null;
  readonly buffer = new PendingEventsBuffer();

  constructor(
    private readonly db: Knex,
    private readonly settings: AssemblerSettings,
    private readonly clock: Clock,
    private readonly files: BatchFileWriter,
  ) {}

  /** Applies one fetch of one partition (see applyBatches). */
  applyRecords(topic: string, partition: number, records: readonly OffsetRecord[], options: ApplyOptions = {}): Promise<ApplyResult> {
    return this.applyBatches([{ topic, partition, records }], options);
  }

  /**
   * Applies the fetches of any partitions in one transaction. Records below a partition's stored
   * checkpoint were applied already: their events only go back into the buffer (after a restart),
   * for the groups still undecided.
   */
  async applyBatches(batches: readonly PartitionRecords[], options: ApplyOptions = {}): Promise<ApplyResult> {
    const merged = mergePartitions(batches);
    if (merged.length === 0) return EMPTY;
    const name = this.settings.name;
    const outcome = await this.db.transaction(async (tx) => {
      const { checkpoints, versions, groups } = await startStep(tx, name, merged, this.groupsToRead(merged));
      const replayed: Located[] = [];
      const fresh: Located[] = [];
      const advanced: CheckpointWrite[] = [];
      const after = new Map<string, bigint>();
      for (const batch of merged) {
        const next = checkpoints.get(partitionKey(batch.topic, batch.partition)) ?? 0n;
        const first = BigInt((batch.records[0] as OffsetRecord).offset);
        if (this.buffer.startReading(batch.topic, batch.partition, first)) await this.checkCoverage(tx, batch.topic, batch.partition, first);
        for (const record of batch.records) {
          if (record.event === null) continue;
          const offset = BigInt(record.offset);
          (offset < next ? replayed : fresh).push({ topic: batch.topic, partition: batch.partition, offset, event: record.event });
        }
        const end = batch.records.reduce((max, r) => (BigInt(r.offset) > max ? BigInt(r.offset) : max), first) + 1n;
        if (end > next) advanced.push({ topic: batch.topic, partition: batch.partition, nextOffset: end });
        after.set(partitionKey(batch.topic, batch.partition), end > next ? end : next);
      }
      await this.rebuild(tx, replayed);
      if (advanced.length === 0) return { step: null, after };
      const step = this.openStep(tx, versions);
      step.applied = fresh.length;
      const runs = await this.applyEvents(step, fresh, groups, advanced);
      await this.assembleRuns(step, runs, this.settings.batchGroups);
      await options.beforeCommit?.(merged.map((b) => ({ topic: b.topic, partition: b.partition, offset: (checkpoints.get(partitionKey(b.topic, b.partition)) ?? 0n).toString() })));
      return { step, after };
    });
    const step = outcome.step;
    if (step !== null) this.settle(step);
    const replayFrom = merged.map((b) => {
      const checkpoint = outcome.after.get(partitionKey(b.topic, b.partition)) ?? 0n;
      return { topic: b.topic, partition: b.partition, offset: this.buffer.replayFrom(b.topic, b.partition, checkpoint).toString() };
    });
    if (step === null) return { ...EMPTY, replayFrom };
    return { applied: step.applied, ready: step.ready, filtered: step.filtered, batchIds: step.batchIds, replayFrom };
  }

  /**
   * The periodic pass: times out groups past GRPO_GROUP_TIMEOUT_MS, re-evaluates every pending and
   * ready group when a trainer reported a new policy version (or on the first pass after a start),
   * and fills batches from ready groups left waiting (e.g. decided by another instance).
   */
  async sweep(): Promise<StepResult> {
    const step = await this.db.transaction(async (tx) => {
      const opened = this.openStep(tx, (await startStep(tx, this.settings.name, [])).versions);
      const everything = versionsFingerprint(opened.versions) !== this.lastFingerprint;
      const candidates = await pendingGroups(tx, this.settings.name, everything ? null : opened.now - this.settings.timeoutMs);
      const runs = await this.decide(opened, candidates);
      for (const run of await runsWithReadyGroups(tx, this.settings.name)) runs.add(run);
      await this.assembleRuns(opened, runs);
      return opened;
    });
    this.lastFingerprint = versionsFingerprint(step.versions);
    this.settle(step);
    return { applied: 0, ready: step.ready, filtered: step.filtered, batchIds: step.batchIds };
  }

  private settle(step: Step): void {
    for (const { batchId, rows } of step.created) this.files.keepRows(batchId, rows);
    this.buffer.markPersisted(step.persisted);
    this.buffer.drop(step.settled);
    const waiting = step.readied.filter((group) => !step.settled.has(group.group_id));
    if (waiting.length > 0) setImmediate(() => this.prerender(waiting));
  }

  /**
   * Renders the payload rows of groups left waiting for their batch, after the step committed and
   * once pending I/O (lease requests) had its turn. A group whose rendering fails here is rendered
   * again, and fails loudly, inside the transaction that batches it.
   */
  private prerender(groups: readonly ReadyGroup[]): void {
    for (const group of groups) {
      if (!this.buffer.has(group.group_id)) continue;
      try {
        this.renderedOf(group);
      } catch {
        // Left to createBatch, which reports it.
      }
    }
  }

  /** A ready group's payload rows: rendered earlier from the same events and decision, or now. */
  private renderedOf(group: ReadyGroup): RenderedGroup {
    const cached = this.buffer.renderedOf(group.group_id);
    if (cached !== null && cached.key === renderKey(group)) return cached;
    const rendered = renderGroup(group, this.buffer.eventsOf(group.group_id));
    this.buffer.keepRendered(group.group_id, rendered);
    return rendered;
  }

  private openStep(tx: Knex.Transaction, versions: TrainerVersion[]): Step {
    return {
      tx,
      now: this.clock(),
      versions,
      applied: 0,
      ready: 0,
      filtered: [],
      batchIds: [],
      settled: new Set(),
      persisted: new Set(),
      readied: [],
      created: [],
    };
  }

  /**
   * A partition read for the first time by this process must start at or before its oldest
   * undecided group, or that group's earlier events are out of reach (Kafka offsets reset, or
   * retention shorter than the group timeout). Such groups are never batched from a partial
   * buffer (PendingEventsBuffer.canBuild); this says so loudly.
   */
  private async checkCoverage(tx: Knex.Transaction, topic: string, partition: number, first: bigint): Promise<void> {
    const oldest = await oldestUndecidedOffset(tx, this.settings.name, topic, partition);
    if (oldest !== null && oldest < first) {
      this.logger.error(`${topic}/${partition}: reading starts at offset ${first} but undecided groups start at ${oldest}; their earlier events are not re-read, so they will not be batched here`);
    }
  }

  /** Puts re-read events (below the checkpoint) back into the buffer, for the groups still undecided. */
  private async rebuild(tx: Knex.Transaction, replayed: readonly Located[]): Promise<void> {
    if (replayed.length === 0) return;
    const unknown = [...new Set(replayed.map((r) => r.event.data.group_id).filter((g) => !this.buffer.has(g)))];
    const undecided = await undecidedGroups(tx, this.settings.name, unknown);
    const added = new Set<string>();
    for (const r of replayed) {
      const groupId = r.event.data.group_id;
      if (!this.buffer.has(groupId) && !undecided.has(groupId)) continue;
      this.buffer.add(r.topic, r.partition, r.offset, r.event);
      if (undecided.has(groupId)) added.add(groupId);
    }
    this.buffer.markPersisted(added);
  }

  /**
   * Folds fresh events into their groups and decides the groups whose state changed; returns the
   * runs that got a new ready group. Events of groups already batched or filtered are late and
   * ignored; so are state events of a ready group (its batch members are fixed). The partitions'
   * new checkpoints are written with the groups.
   */
  private async applyEvents(step: Step, fresh: readonly Located[], stored: ReadonlyMap<string, StoredGroup>, checkpoints: readonly CheckpointWrite[]): Promise<Set<string>> {
    const name = this.settings.name;
    // The groups of fresh events that were read: a subset of those the step start read (after the
    // rebuild, more groups are known to have a row, none fewer).
    const lookup = new Set<string>();
    for (const r of fresh) if (this.mustRead(r.event)) lookup.add(r.event.data.group_id);
    const writes = new Map<string, { state: GroupState; topic: string; partition: number; firstOffset: bigint }>();
    for (const r of fresh) {
      const groupId = r.event.data.group_id;
      const existing = stored.get(groupId);
      if (existing !== undefined && (existing.status === 'batched' || existing.status === 'filtered')) {
        step.settled.add(groupId);
        continue;
      }
      const stateFree = STATE_FREE.has(r.event.type);
      if (existing?.status === 'ready' && !stateFree) continue;
      this.buffer.add(r.topic, r.partition, r.offset, r.event);
      // A turn of a group whose row exists changes nothing in Postgres: it only joins the buffer.
      if (stateFree && (existing !== undefined || !lookup.has(groupId))) continue;
      const write = writes.get(groupId) ?? {
        state: existing?.state ?? initialGroup(groupId),
        topic: r.topic,
        partition: r.partition,
        firstOffset: this.buffer.firstOffsetOf(groupId) ?? r.offset,
      };
      writes.set(groupId, { ...write, state: stateFree ? write.state : evolveGroup(write.state, r.event) });
    }
    const runs = new Set<string>();
    const rows: GroupWrite[] = [];
    for (const [groupId, write] of writes) {
      const decision = this.evaluate(step, write.state);
      rows.push({ group_id: groupId, ...write, decision });
      step.persisted.add(groupId);
      await this.record(step, write.state, decision, runs);
    }
    await saveGroups(step.tx, name, rows, checkpoints);
    return runs;
  }

  /**
   * The groups whose rows a step reads (and locks): every group with a state event, and those not
   * yet known to have a row. A turn of a group whose row this process wrote changes nothing there.
   * Asked for every record fetched, before the checkpoints tell which are fresh: the groups of
   * records re-read after a restart are read too, and ignored.
   */
  private groupsToRead(batches: readonly PartitionRecords[]): string[] {
    const groups = new Set<string>();
    for (const batch of batches) for (const record of batch.records) if (record.event !== null && this.mustRead(record.event)) groups.add(record.event.data.group_id);
    return [...groups];
  }

  private mustRead(event: RolloutEvent): boolean {
    return !STATE_FREE.has(event.type) || !this.buffer.isPersisted(event.data.group_id);
  }

  private evaluate(step: Step, state: GroupState): GroupDecision {
    return evaluateGroup(state, groupConfigFor(this.settings, trainerVersionFor(step.versions, state.run_id)), step.now);
  }

  /** Counts a decision and logs a filter; the row itself is written by the caller. */
  private async record(step: Step, state: GroupState, decision: GroupDecision, runs: Set<string>): Promise<void> {
    if (decision.status === 'ready') {
      step.ready += 1;
      step.readied.push(decision);
      if (state.run_id !== null) runs.add(state.run_id);
    } else if (decision.status === 'filtered') {
      await logFilter(step.tx, this.settings.name, state.run_id, decision, trainerVersionFor(step.versions, state.run_id), step.now);
      step.filtered.push(decision);
      step.settled.add(decision.group_id);
    }
  }

  /** Evaluates stored pending groups (the sweep) and writes each decision; returns the runs that got a new ready group. */
  private async decide(step: Step, groups: readonly StoredGroup[]): Promise<Set<string>> {
    const runs = new Set<string>();
    for (const group of groups) {
      const decision = this.evaluate(step, group.state);
      if (decision.status === 'ready') await markReady(step.tx, this.settings.name, decision);
      else if (decision.status === 'filtered') await this.filter(step, group.state, decision);
      if (decision.status === 'ready') {
        step.ready += 1;
        step.readied.push(decision);
        if (group.state.run_id !== null) runs.add(group.state.run_id);
      }
    }
    return runs;
  }

  private async filter(step: Step, state: GroupState, decision: FilteredGroup): Promise<void> {
    await markFiltered(step.tx, this.settings.name, state.run_id, decision, trainerVersionFor(step.versions, state.run_id), step.now);
    step.filtered.push(decision);
    step.settled.add(decision.group_id);
  }

  /**
   * Fills batches of each run from its ready groups whose events this process holds. Ready groups
   * are evaluated again first, so one that went stale while waiting for its batch to fill is
   * filtered rather than trained on. `atLeast`: only runs with that many ready groups are read
   * (the consumer's steps); the sweep reads every run's, so a stale group waiting for its batch
   * is filtered within a sweep interval even while the batch cannot fill.
   */
  private async assembleRuns(step: Step, runs: ReadonlySet<string>, atLeast = 0): Promise<void> {
    for (const runId of [...runs].sort()) {
      const config = groupConfigFor(this.settings, trainerVersionFor(step.versions, runId));
      const ready: ReadyGroup[] = [];
      const states = new Map<string, GroupState>();
      const { groups, nextSequence } = await readyGroupsOf(step.tx, this.settings.name, runId, atLeast);
      for (const group of groups) {
        if (!this.buffer.canBuild(group)) continue;
        const decision = evaluateGroup(group.state, config, step.now);
        if (decision.status === 'filtered') await this.filter(step, group.state, decision);
        if (decision.status !== 'ready') continue;
        ready.push(decision);
        states.set(group.group_id, group.state);
      }
      let plan = assembleBatch(ready, this.settings.batchGroups);
      let sequence = nextSequence ?? 0;
      while (plan.batch !== null) {
        step.batchIds.push(await this.createBatch(step, runId, sequence, plan.batch, states));
        sequence += 1;
        plan = assembleBatch(plan.rest, this.settings.batchGroups);
      }
    }
  }

  /** `sequence`: the run's next batch number, read with its ready groups. */
  private async createBatch(step: Step, runId: string, sequence: number, batch: AssembledBatch, states: ReadonlyMap<string, GroupState>): Promise<string> {
    const name = this.settings.name;
    const batchId = batchIdOf(name, runId, sequence, batch.group_ids);
    const rendered = batch.groups.flatMap((group) => this.renderedOf(group).members);
    const members = rendered.map((r) => r.row);
    const files = this.files.pathsOf(runId, sequence, batchId);
    const rewardEventIds = new Map(batch.groups.flatMap((g) => g.members.map((m) => [m.rollout_id, m.reward_event_id] as const)));
    // The JSONL is written while Postgres takes the rows: both are done before the commit that
    // makes the batch leasable. (A failed step leaves at most this file, which its retry rewrites
    // with the same bytes: the name and content derive from the deterministic batch id.)
    await Promise.all([
      this.files.writeJsonl(runId, sequence, batchId, rendered.map((r) => r.tail)),
      insertBatch(step.tx, name, {
        batch_id: batchId,
        event_id: batchEventIdOf(batchId),
        run_id: runId,
        sequence,
        group_ids: batch.group_ids,
        rollout_ids: batch.rollout_ids,
        member_count: members.length,
        advantage_mode: this.settings.advantageMode,
        ...rewardFnsUsed(batch.groups, states),
        min_policy_version: batch.min_policy_version,
        max_policy_version: batch.max_policy_version,
        payload_jsonl: files.jsonl,
        payload_parquet: files.parquet,
        last_ready_at: Math.max(...batch.groups.map((g) => g.ready_at)),
        created_at: step.now,
        members: members.map((m) => ({ ...m, reward_event_id: rewardEventIds.get(m.rollout_id) as string })),
      }),
    ]);
    for (const groupId of batch.group_ids) step.settled.add(groupId);
    step.created.push({ batchId, rows: members });
    this.logger.debug(`batch ${batchId} (run ${runId} #${sequence}): ${batch.group_ids.length} groups, ${members.length} rollouts`);
    return batchId;
  }
}

/** One entry per partition, records concatenated in fetch order (a queue can hold two fetches of one partition). */
function mergePartitions(batches: readonly PartitionRecords[]): PartitionRecords[] {
  const byKey = new Map<string, { topic: string; partition: number; records: OffsetRecord[] }>();
  for (const batch of batches) {
    if (batch.records.length === 0) continue;
    const key = partitionKey(batch.topic, batch.partition);
    const entry = byKey.get(key) ?? { topic: batch.topic, partition: batch.partition, records: [] };
    entry.records.push(...batch.records);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}
