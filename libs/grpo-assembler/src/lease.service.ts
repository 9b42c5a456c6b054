import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { BatchNotFoundError, LeaseConflictError } from './assembler-errors';
import { BATCH_COLUMNS, toBatchRecord, type BatchRow } from './batch.repository';
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
/** The batch row as the lease statements return it (`b` is grpo_batches in their updates). */
const RETURNED_COLUMNS = BATCH_COLUMNS.map((c) => `b.${c}`).join(', ');

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

  /** Writes a trainer's last_lease_at and remembers when (see touchThrottled). */
  private async touch(trainerId: string, now: number): Promise<void> {
    await touchTrainer(this.db, this.assembler, trainerId, now);
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
    await this.touch(trainerId, now);
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

  /**
   * One statement, so one round trip to PostgreSQL whether or not a batch is found (it is its own
   * transaction): pick the oldest leasable batch with FOR UPDATE SKIP LOCKED (concurrent trainers
   * never wait on or receive the same batch), end the expired lease it still names, lease it, log
   * the lease and touch the trainer. A poll that finds nothing locks and writes nothing.
   */
  private async leaseNow(request: LeaseRequest): Promise<GrantedLease | null> {
    const now = this.clock();
    const leaseId = randomUUID();
    const expiresAt = now + Math.round(request.leaseTimeoutS * 1000);
    const at = new Date(now);
    const expires = new Date(expiresAt);
    const runFilter = request.runId === undefined ? '' : 'and run_id = ?';
    const result = await this.db.raw<{ rows: BatchRow[] }>(
      `with picked as (
         select batch_id, status, lease_id from grpo_batches
         where assembler = ? and (status = 'available' or (status = 'leased' and lease_expires_at <= ?)) ${runFilter}
         order by created_at, run_id, sequence
         limit 1
         for update skip locked
       ), expired as (
         update grpo_batch_leases l set status = 'expired', ended_at = ?
         from picked where picked.status = 'leased' and l.lease_id = picked.lease_id and l.status = 'active'
       ), leased as (
         update grpo_batches b
         set status = 'leased', lease_id = ?, leased_by = ?, lease_expires_at = ?, delivery_count = b.delivery_count + 1
         from picked where b.batch_id = picked.batch_id
         returning ${RETURNED_COLUMNS}
       ), logged as (
         insert into grpo_batch_leases (lease_id, batch_id, trainer_id, leased_at, expires_at, status)
         select ?, batch_id, ?, ?, ?, 'active' from leased
       ), touched as (
         insert into grpo_trainers (assembler, trainer_id, last_lease_at)
         select ?, ?, ? from leased
         on conflict (assembler, trainer_id) do update set last_lease_at = excluded.last_lease_at
       )
       select * from leased`,
      [
        this.assembler,
        at,
        ...(request.runId === undefined ? [] : [request.runId]),
        at,
        leaseId,
        request.trainerId,
        expires,
        leaseId,
        request.trainerId,
        at,
        expires,
        this.assembler,
        request.trainerId,
        at,
      ],
    );
    const row = result.rows[0];
    if (row === undefined) {
      await this.touchThrottled(request.trainerId, now);
      return null;
    }
    this.touched.set(request.trainerId, now);
    return { lease_id: leaseId, expires_at: expiresAt, batch: toBatchRecord(row) };
  }

  /** Marks the batch trained on. Repeating an ack with the same lease is a no-op; another lease is a 409. */
  async ack(batchId: string, end: LeaseEnd): Promise<BatchRecord> {
    return this.end(batchId, end, 'ack');
  }

  /** Gives the batch back now (the trainer cannot use it); it is delivered again. */
  async nack(batchId: string, end: LeaseEnd): Promise<BatchRecord> {
    return this.end(batchId, end, 'nack');
  }

  /**
   * One statement (one round trip, its own transaction): lock the batch, and when the lease is the
   * batch's current one and the batch is leased, end both. The batch as it was comes back too, so
   * a refusal names its reason (leaseProblem) and a repeated ack answers with the acked batch.
   */
  private async end(batchId: string, end: LeaseEnd, action: 'ack' | 'nack'): Promise<BatchRecord> {
    const now = new Date(this.clock());
    const update = action === 'ack' ? `status = 'acked', acked_at = ?` : `status = 'available', lease_id = null, leased_by = null, lease_expires_at = null`;
    const result = await this.db.raw<{ rows: (BatchRow & { changed: boolean })[] }>(
      `with target as (
         select ${BATCH_COLUMNS.join(', ')} from grpo_batches where assembler = ? and batch_id = ? for update
       ), changed as (
         update grpo_batches b set ${update}
         from target where b.batch_id = target.batch_id and target.status = 'leased' and target.lease_id = ?
         returning ${RETURNED_COLUMNS}
       ), ended as (
         update grpo_batch_leases set status = ?, ended_at = ?, reason = ?
         where lease_id = ? and exists (select 1 from changed)
       )
       select false as changed, * from target
       union all
       select true as changed, * from changed`,
      [this.assembler, batchId, ...(action === 'ack' ? [now] : []), end.leaseId, action === 'ack' ? 'acked' : 'nacked', now, end.reason ?? null, end.leaseId],
    );
    const after = result.rows.find((r) => r.changed);
    if (after !== undefined) return toBatchRecord(withoutFlag(after));
    const before = result.rows[0];
    if (before === undefined) throw new BatchNotFoundError(batchId);
    const batch = toBatchRecord(withoutFlag(before));
    const problem = leaseProblem(batch, end.leaseId, action);
    if (problem !== null) throw new LeaseConflictError(batchId, end.leaseId, problem);
    // Acked already with this lease: a repeated ack changes nothing.
    return batch;
  }
}

function withoutFlag(row: BatchRow & { changed: boolean }): BatchRow {
  const { changed: _changed, ...batch } = row;
  return batch;
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
