import type { Knex } from 'knex';
import { Logger } from '@nestjs/common';
import type { RolloutEvent } from '@rollout-ledger/contracts';
import {
  assembleBatch,
  buildBatchMembers,
  evaluateGroup,
  evolveGroup,
  initialGroup,
  type AssembledBatch,
  type FilteredGroup,
  type GroupState,
  type ReadyGroup,
} from '@rollout-ledger/grpo';
import { groupConfigFor, type AssemblerSettings } from './assembler-settings';
import { batchEventIdOf, batchIdOf } from './batch-identity';
import type { BatchFileWriter } from './batch-file.writer';
import { insertBatch, nextSequence } from './batch.repository';
import { lockAssembler, readCheckpoint, writeCheckpoint } from './checkpoint.repository';
import type { Clock } from './clock';
import {
  eventsOfGroups,
  lockGroups,
  markBatched,
  markFiltered,
  markReady,
  pendingGroups,
  readyGroupsOf,
  runsWithReadyGroups,
  saveGroupStates,
  storeEvents,
  type StoredGroup,
} from './group.repository';
import { rewardFnsUsed, trajectoriesOf } from './group-trajectories';
import { trainerVersions } from './trainer.repository';
import { trainerVersionFor, versionsFingerprint, type TrainerVersion } from './trainer-versions';

/** A consumed message: its offset, and the rollout event it held (null for poison or other types). */
export interface OffsetRecord {
  readonly offset: string;
  readonly event: RolloutEvent | null;
}

export interface StepResult {
  readonly applied: number;
  readonly ready: number;
  readonly filtered: readonly FilteredGroup[];
  readonly batchIds: readonly string[];
}

const EMPTY: StepResult = { applied: 0, ready: 0, filtered: [], batchIds: [] };

interface Step {
  readonly tx: Knex.Transaction;
  readonly now: number;
  readonly versions: readonly TrainerVersion[];
  ready: number;
  readonly filtered: FilteredGroup[];
  readonly batchIds: string[];
}

/**
 * The assembler's write side. Each call is one Postgres transaction, serialised per assembler by an
 * advisory lock: fold events into group state (their events kept for the trajectories), decide with
 * the pure evaluateGroup, assemble batches with the pure assembleBatch, write the payload files,
 * move the consumer checkpoint. A crash anywhere rolls all of it back; redelivery then redoes it.
 */
export class AssemblerEngine {
  private readonly logger = new Logger('grpo-assembler');
  private lastFingerprint: string | null = null;

  constructor(
    private readonly db: Knex,
    private readonly settings: AssemblerSettings,
    private readonly clock: Clock,
    private readonly files: BatchFileWriter,
  ) {}

  /** Applies one fetched batch of one partition; offsets below the stored checkpoint were applied already. */
  async applyRecords(topic: string, partition: number, records: readonly OffsetRecord[]): Promise<StepResult> {
    if (records.length === 0) return EMPTY;
    const name = this.settings.name;
    return this.db.transaction(async (tx) => {
      await lockAssembler(tx, name);
      const next = await readCheckpoint(tx, name, topic, partition);
      const fresh = records.filter((r) => BigInt(r.offset) >= next);
      if (fresh.length === 0) return EMPTY;
      const step = await this.openStep(tx);
      const events = fresh.flatMap((r) => (r.event === null ? [] : [r.event]));
      const touched = await this.applyEvents(tx, events);
      const runs = await this.decide(step, touched);
      await this.assembleRuns(step, runs);
      const last = fresh[fresh.length - 1] as OffsetRecord;
      await writeCheckpoint(tx, name, topic, partition, BigInt(last.offset) + 1n);
      return { applied: events.length, ready: step.ready, filtered: step.filtered, batchIds: step.batchIds };
    });
  }

  /**
   * The periodic pass: times out groups past GRPO_GROUP_TIMEOUT_MS and, when a trainer reported a new
   * policy version (or on the first pass after a start), re-evaluates every pending and ready group.
   */
  async sweep(): Promise<StepResult> {
    let fingerprint = '';
    const result = await this.db.transaction(async (tx) => {
      await lockAssembler(tx, this.settings.name);
      const step = await this.openStep(tx);
      fingerprint = versionsFingerprint(step.versions);
      const everything = fingerprint !== this.lastFingerprint;
      const candidates = await pendingGroups(tx, this.settings.name, everything ? null : step.now - this.settings.timeoutMs);
      const runs = await this.decide(step, candidates);
      if (everything) for (const run of await runsWithReadyGroups(tx, this.settings.name)) runs.add(run);
      await this.assembleRuns(step, runs);
      return { applied: 0, ready: step.ready, filtered: step.filtered, batchIds: step.batchIds };
    });
    this.lastFingerprint = fingerprint;
    return result;
  }

  private async openStep(tx: Knex.Transaction): Promise<Step> {
    return { tx, now: this.clock(), versions: await trainerVersions(tx, this.settings.name), ready: 0, filtered: [], batchIds: [] };
  }

  /** Folds events into their groups; events of groups already batched or filtered are late and ignored. */
  private async applyEvents(tx: Knex.Transaction, events: readonly RolloutEvent[]): Promise<StoredGroup[]> {
    const name = this.settings.name;
    const stored = await lockGroups(tx, name, [...new Set(events.map((e) => e.data.group_id))]);
    const states = new Map<string, GroupState>();
    const kept: RolloutEvent[] = [];
    for (const event of events) {
      const groupId = event.data.group_id;
      const existing = stored.get(groupId);
      if (existing !== undefined && existing.status !== 'pending') continue;
      const state = states.get(groupId) ?? existing?.state ?? initialGroup(groupId);
      states.set(groupId, evolveGroup(state, event));
      kept.push(event);
    }
    await storeEvents(tx, name, kept);
    const groups = [...states].map(([group_id, state]): StoredGroup => ({ group_id, status: 'pending', state }));
    await saveGroupStates(tx, name, groups);
    return groups;
  }

  /** Evaluates pending groups; returns the runs that got a new ready group. */
  private async decide(step: Step, groups: readonly StoredGroup[]): Promise<Set<string>> {
    const runs = new Set<string>();
    for (const group of groups) {
      const trainerVersion = trainerVersionFor(step.versions, group.state.run_id);
      const decision = evaluateGroup(group.state, groupConfigFor(this.settings, trainerVersion), step.now);
      if (decision.status === 'ready') {
        await markReady(step.tx, this.settings.name, decision);
        step.ready += 1;
        if (group.state.run_id !== null) runs.add(group.state.run_id);
      } else if (decision.status === 'filtered') {
        await this.filter(step, group.state, decision, trainerVersion);
      }
    }
    return runs;
  }

  private async filter(step: Step, state: GroupState, decision: FilteredGroup, trainerVersion: number | undefined): Promise<void> {
    await markFiltered(step.tx, this.settings.name, state.run_id, decision, trainerVersion, step.now);
    step.filtered.push(decision);
  }

  /**
   * Fills batches of each run from its ready groups. Ready groups are evaluated again first, so one
   * that went stale while waiting for its batch to fill is filtered rather than trained on.
   */
  private async assembleRuns(step: Step, runs: ReadonlySet<string>): Promise<void> {
    for (const runId of [...runs].sort()) {
      const trainerVersion = trainerVersionFor(step.versions, runId);
      const config = groupConfigFor(this.settings, trainerVersion);
      const ready: ReadyGroup[] = [];
      const states = new Map<string, GroupState>();
      for (const group of await readyGroupsOf(step.tx, this.settings.name, runId)) {
        const decision = evaluateGroup(group.state, config, step.now);
        if (decision.status === 'filtered') await this.filter(step, group.state, decision, trainerVersion);
        if (decision.status !== 'ready') continue;
        ready.push(decision);
        states.set(group.group_id, group.state);
      }
      let plan = assembleBatch(ready, this.settings.batchGroups);
      while (plan.batch !== null) {
        step.batchIds.push(await this.createBatch(step, runId, plan.batch, states));
        plan = assembleBatch(plan.rest, this.settings.batchGroups);
      }
    }
  }

  private async createBatch(step: Step, runId: string, batch: AssembledBatch, states: ReadonlyMap<string, GroupState>): Promise<string> {
    const name = this.settings.name;
    const sequence = await nextSequence(step.tx, name, runId);
    const batchId = batchIdOf(name, runId, sequence, batch.group_ids);
    const trajectories = trajectoriesOf(await eventsOfGroups(step.tx, name, batch.group_ids));
    const members = buildBatchMembers(batch, (rolloutId) => trajectories.get(rolloutId));
    const files = await this.files.writeJsonl(runId, sequence, batchId, members);
    const rewardEventIds = new Map(batch.groups.flatMap((g) => g.members.map((m) => [m.rollout_id, m.reward_event_id] as const)));
    await insertBatch(step.tx, name, {
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
    });
    await markBatched(step.tx, name, batch.group_ids, batchId);
    this.logger.debug(`batch ${batchId} (run ${runId} #${sequence}): ${batch.group_ids.length} groups, ${members.length} rollouts`);
    return batchId;
  }
}
