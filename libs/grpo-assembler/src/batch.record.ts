import type { BatchAssembled } from '@rollout-ledger/contracts';

export type BatchStatus = 'available' | 'leased' | 'acked';

/**
 * A batch as the lease API and the outbox see it (times as epoch ms): the BatchAssembled event it
 * publishes, plus its lease and delivery state.
 */
export interface BatchRecord extends Omit<BatchAssembled, 'occurred_at'> {
  readonly member_count: number;
  readonly last_ready_at: number;
  readonly status: BatchStatus;
  readonly lease_id: string | null;
  readonly leased_by: string | null;
  readonly lease_expires_at: number | null;
  readonly delivery_count: number;
  readonly created_at: number;
  readonly published_at: number | null;
  readonly acked_at: number | null;
}

export function toBatchAssembled(batch: BatchRecord): BatchAssembled {
  return {
    event_id: batch.event_id,
    batch_id: batch.batch_id,
    run_id: batch.run_id,
    sequence: batch.sequence,
    group_ids: batch.group_ids,
    rollout_ids: batch.rollout_ids,
    advantage_mode: batch.advantage_mode,
    reward_fn: batch.reward_fn,
    reward_fn_version: batch.reward_fn_version,
    min_policy_version: batch.min_policy_version,
    max_policy_version: batch.max_policy_version,
    payload_jsonl: batch.payload_jsonl,
    payload_parquet: batch.payload_parquet,
    occurred_at: batch.created_at,
  };
}

/**
 * Whether a trainer can lease the batch at `now`: never once acked; when leased, only after the
 * lease expired (the trainer is presumed crashed and the batch is delivered again).
 */
export function isLeasable(batch: Pick<BatchRecord, 'status' | 'lease_expires_at'>, now: number): boolean {
  switch (batch.status) {
    case 'available':
      return true;
    case 'leased':
      return batch.lease_expires_at !== null && batch.lease_expires_at <= now;
    case 'acked':
      return false;
    default: {
      const unknown: never = batch.status;
      throw new Error(`unknown batch status ${String(unknown)}`);
    }
  }
}

/** Why a presented lease cannot ack or nack the batch, or null when it can. */
export function leaseProblem(batch: Pick<BatchRecord, 'status' | 'lease_id'>, leaseId: string, action: 'ack' | 'nack'): string | null {
  if (batch.lease_id !== leaseId) return batch.lease_id === null ? 'the batch is not leased' : 'the batch was leased again since (lease expired or was nacked)';
  if (batch.status === 'acked') return action === 'ack' ? null : 'the batch is already acked';
  if (batch.status !== 'leased') return 'the batch is not leased';
  return null;
}
