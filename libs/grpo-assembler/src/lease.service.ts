import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { BatchNotFoundError, LeaseConflictError } from './assembler-errors';
import { BATCH_COLUMNS, findBatch, toBatchRecord, type BatchRow } from './batch.repository';
import { leaseProblem, type BatchRecord } from './batch.record';
import type { Clock } from './clock';
import type { LeaseEnd, LeaseRequest } from './lease-request.parser';
import { reportPolicyVersion, touchTrainer } from './trainer.repository';
import type { BatchAvailability } from './batch-availability';

export interface GrantedLease {
  readonly lease_id: string;
  readonly expires_at: number;
  readonly batch: BatchRecord;
}

const TOUCH_INTERVAL_MS = 1_000;

export interface LeaseWaiting {
  /** Wakes waiting requests when a batch becomes available. */
  readonly availability: BatchAvailability;
  /**
   * A waiting request looks again at least this often without a wake-up: leases expire on time,
   * not on a write, and a notification can be missed while the LISTEN connection reconnects.
   */
  readonly recheckMs: number;
}

/**
 * Hands batches to trainers. The next leasable batch is picked with FOR UPDATE SKIP LOCKED, so
 * concurrent trainers never wait on or receive the same batch; a batch is held by one lease at a
 * time; an expired or nacked lease makes it leasable again (oldest batch first); an acked one never is.
 */
export class LeaseService {
  /** When each trainer's last_lease_at was last written by this process. */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Knex,
    private readonly assembler: string,
    private readonly clock: Clock,
    private readonly waiting: LeaseWaiting,
  ) {}

  /** Batches a trainer may lease now: available, or leased with the lease expired. */
  private leasable(db: Knex, request: LeaseRequest, now: number): Knex.QueryBuilder {
    const query = db('grpo_batches')
      .where('assembler', this.assembler)
      .where((q) => q.where('status', 'available').orWhere((l) => l.where('status', 'leased').where('lease_expires_at', '<=', new Date(now))));
    if (request.runId !== undefined) query.where('run_id', request.runId);
    return query;
  }

  private async anyLeasable(request: LeaseRequest, now: number): Promise<boolean> {
    return (await this.leasable(this.db, request, now).first('batch_id')) !== undefined;
  }

  /** Writes a trainer's last_lease_at and remembers when (see touchThrottled). */
  private async touch(tx: Knex.Transaction, trainerId: string, now: number): Promise<void> {
    await touchTrainer(tx, this.assembler, trainerId, now);
    this.touched.set(trainerId, now);
  }

  /**
   * A trainer's "last seen" (last_lease_at) after an empty poll: written at most once a second per
   * trainer, so a trainer polling every few milliseconds does not turn each poll into a commit.
   */
  private async touchThrottled(trainerId: string, now: number): Promise<void> {
    const last = this.touched.get(trainerId);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
    if (this.touched.size > 10_000) this.touched.clear();
    await this.db.transaction((tx) => this.touch(tx, trainerId, now));
  }

  /**
   * The next leasable batch with a new lease, or null. With `waitS` > 0 a request that finds
   * nothing waits (long poll) until a batch becomes available, the wait ends, `cancelled` fires
   * (the client went away) or the service closes.
   */
  async lease(request: LeaseRequest, cancelled?: AbortSignal): Promise<GrantedLease | null> {
    await this.reportVersion(request);
    const deadline = performance.now() + request.waitS * 1000;
    for (;;) {
      // Taken before looking, so a batch committed between the look and the wait wakes it.
      const woken = this.waiting.availability.next();
      const granted = await this.leaseNow(request);
      const left = deadline - performance.now();
      if (granted !== null || left <= 0 || this.stopWaiting(cancelled)) return granted;
      await waitForAny(woken, Math.min(left, this.waiting.recheckMs), cancelled);
      if (this.stopWaiting(cancelled)) return null;
    }
  }

  private stopWaiting(cancelled: AbortSignal | undefined): boolean {
    return cancelled?.aborted === true || this.waiting.availability.isClosed;
  }

  private async reportVersion(request: LeaseRequest): Promise<void> {
    if (request.policyVersion !== undefined) {
      await reportPolicyVersion(this.db, this.assembler, {
        trainerId: request.trainerId,
        runId: request.runId ?? null,
        policyVersion: request.policyVersion,
        at: this.clock(),
      });
    }
  }

  private async leaseNow(request: LeaseRequest): Promise<GrantedLease | null> {
    // Trainers poll often, and mostly find nothing: a plain read (no transaction, no lock, no write)
    // answers those. Only a poll that sees a leasable batch takes the locking path below.
    if (!(await this.anyLeasable(request, this.clock()))) {
      await this.touchThrottled(request.trainerId, this.clock());
      return null;
    }
    return this.db.transaction(async (tx) => {
      const now = this.clock();
      const row = await this.leasable(tx, request, now)
        .orderBy([{ column: 'created_at' }, { column: 'run_id' }, { column: 'sequence' }])
        .forUpdate()
        .skipLocked()
        .first([...BATCH_COLUMNS]);
      if (row === undefined) {
        // Taken by a concurrent lease since the probe.
        await this.touch(tx, request.trainerId, now);
        return null;
      }
      const previous = toBatchRecord(row as BatchRow);
      if (previous.lease_id !== null && previous.status === 'leased') {
        await tx('grpo_batch_leases').where({ lease_id: previous.lease_id, status: 'active' }).update({ status: 'expired', ended_at: new Date(now) });
      }
      const leaseId = randomUUID();
      const expiresAt = now + Math.round(request.leaseTimeoutS * 1000);
      await tx('grpo_batches')
        .where('batch_id', previous.batch_id)
        .update({ status: 'leased', lease_id: leaseId, leased_by: request.trainerId, lease_expires_at: new Date(expiresAt), delivery_count: previous.delivery_count + 1 });
      await tx('grpo_batch_leases').insert({
        lease_id: leaseId,
        batch_id: previous.batch_id,
        trainer_id: request.trainerId,
        leased_at: new Date(now),
        expires_at: new Date(expiresAt),
        status: 'active',
      });
      await this.touch(tx, request.trainerId, now);
      const batch: BatchRecord = {
        ...previous,
        status: 'leased',
        lease_id: leaseId,
        leased_by: request.trainerId,
        lease_expires_at: expiresAt,
        delivery_count: previous.delivery_count + 1,
      };
      return { lease_id: leaseId, expires_at: expiresAt, batch };
    });
  }

  /** Marks the batch trained on. Repeating an ack with the same lease is a no-op; another lease is a 409. */
  async ack(batchId: string, end: LeaseEnd): Promise<BatchRecord> {
    return this.end(batchId, end, 'ack');
  }

  /** Gives the batch back now (the trainer cannot use it); it is delivered again. */
  async nack(batchId: string, end: LeaseEnd): Promise<BatchRecord> {
    return this.end(batchId, end, 'nack');
  }

  private async end(batchId: string, end: LeaseEnd, action: 'ack' | 'nack'): Promise<BatchRecord> {
    return this.db.transaction(async (tx) => {
      const batch = await findBatch(tx, this.assembler, batchId, true);
      if (batch === null) throw new BatchNotFoundError(batchId);
      const problem = leaseProblem(batch, end.leaseId, action);
      if (problem !== null) throw new LeaseConflictError(batchId, end.leaseId, problem);
      if (batch.status === 'acked') return batch;
      const now = this.clock();
      const update =
        action === 'ack'
          ? { status: 'acked', acked_at: new Date(now) }
          : { status: 'available', lease_id: null, leased_by: null, lease_expires_at: null };
      await tx('grpo_batches').where('batch_id', batchId).update(update);
      await tx('grpo_batch_leases')
        .where('lease_id', end.leaseId)
        .update({ status: action === 'ack' ? 'acked' : 'nacked', ended_at: new Date(now), reason: end.reason ?? null });
      return (await findBatch(tx, this.assembler, batchId)) as BatchRecord;
    });
  }
}

/** Settles at the first of: the wake-up, the timeout, the abort. Leaves no timer behind. */
async function waitForAny(woken: Promise<void>, ms: number, cancelled: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const waits: Promise<void>[] = [woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))];
  if (cancelled !== undefined) {
    waits.push(new Promise<void>((resolve) => cancelled.addEventListener('abort', (onAbort = () => resolve()), { once: true })));
  }
  try {
    await Promise.race(waits);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) cancelled?.removeEventListener('abort', onAbort);
  }
}
