import type { BatchRecord } from './batch.record';

/** A batch as the HTTP API shows it: metadata, payload paths and the URLs that download them. */
export function batchView(batch: BatchRecord, baseUrl: string): Record<string, unknown> {
  const url = (format: string) => `${baseUrl}/v1/batches/${encodeURIComponent(batch.batch_id)}/payload?format=${format}`;
  return {
    batch_id: batch.batch_id,
    run_id: batch.run_id,
    sequence: batch.sequence,
    status: batch.status,
    leased_by: batch.status === 'leased' ? batch.leased_by : null,
    group_ids: batch.group_ids,
    rollout_ids: batch.rollout_ids,
    member_count: batch.member_count,
    advantage_mode: batch.advantage_mode,
    reward_fn: batch.reward_fn,
    reward_fn_version: batch.reward_fn_version,
    min_policy_version: batch.min_policy_version,
    max_policy_version: batch.max_policy_version,
    delivery_count: batch.delivery_count,
    created_at: new Date(batch.created_at).toISOString(),
    published_at: batch.published_at === null ? null : new Date(batch.published_at).toISOString(),
    acked_at: batch.acked_at === null ? null : new Date(batch.acked_at).toISOString(),
    payload: {
      jsonl: { path: batch.payload_jsonl, url: url('jsonl') },
      parquet: { path: batch.payload_parquet, url: url('parquet') },
    },
  };
}
