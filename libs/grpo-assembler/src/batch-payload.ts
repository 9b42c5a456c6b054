import type { BatchMember } from '@rollout-ledger/grpo';

/** One line of the JSONL payload per member, in batch order; the batch id on each line lets files be concatenated. */
export function toJsonlPayload(batchId: string, members: readonly BatchMember[]): string {
  return jsonlOf(batchId, members.map(memberJson));
}

/** A member's JSON object without the batch id, rendered before its batch (and so its id) exists. */
export function memberJson(member: BatchMember): string {
  return JSON.stringify(member);
}

/**
 * The payload from pre-rendered members: byte for byte what JSON.stringify({ batch_id, ...member })
 * gives, by putting the batch id first into each member's object (a member never has a batch_id key).
 */
export function jsonlOf(batchId: string, memberJsons: readonly string[]): string {
  const head = `{"batch_id":${JSON.stringify(batchId)},`;
  return memberJsons.map((json) => `${head}${json.slice(1)}\n`).join('');
}

/** A member's line after the batch id, as UTF-8: encoded once, when its group is rendered. */
export function memberLineTail(memberJson: string): Buffer {
  return Buffer.from(`${memberJson.slice(1)}\n`);
}

/** The same bytes as jsonlOf, as chunks for a vectored write: one shared head, then each tail. */
export function jsonlChunks(batchId: string, tails: readonly Buffer[]): Buffer[] {
  const head = Buffer.from(`{"batch_id":${JSON.stringify(batchId)},`);
  return tails.flatMap((tail) => [head, tail]);
}

/** A Parquet column as hyparquet-writer takes it. */
export interface PayloadColumn {
  readonly name: string;
  readonly type: 'STRING' | 'INT32' | 'INT64' | 'DOUBLE' | 'JSON';
  readonly data: readonly unknown[];
  readonly nullable?: boolean;
}

/**
 * The Parquet payload as columns: scalars typed, nested values (messages, tools, token fields) as
 * JSON-annotated strings, which every reader (pyarrow, DuckDB, pandas) opens without a nested schema.
 * policy_version is INT64 as in the Avro contract, hence bigint.
 */
export function toParquetColumns(batchId: string, members: readonly BatchMember[]): PayloadColumn[] {
  return [
    { name: 'batch_id', type: 'STRING', data: members.map(() => batchId), nullable: false },
    { name: 'rollout_id', type: 'STRING', data: members.map((m) => m.rollout_id), nullable: false },
    { name: 'group_id', type: 'STRING', data: members.map((m) => m.group_id), nullable: false },
    { name: 'task_id', type: 'STRING', data: members.map((m) => m.task_id), nullable: false },
    { name: 'policy_version', type: 'INT64', data: members.map((m) => BigInt(m.policy_version)), nullable: false },
    { name: 'attempt', type: 'INT32', data: members.map((m) => m.attempt) },
    { name: 'reward', type: 'DOUBLE', data: members.map((m) => m.reward), nullable: false },
    { name: 'advantage', type: 'DOUBLE', data: members.map((m) => m.advantage), nullable: false },
    { name: 'messages', type: 'JSON', data: members.map((m) => m.messages), nullable: false },
    { name: 'tools', type: 'JSON', data: members.map((m) => m.tools), nullable: false },
    { name: 'token_ids', type: 'JSON', data: members.map((m) => m.token_ids ?? null) },
    { name: 'logprobs', type: 'JSON', data: members.map((m) => m.logprobs ?? null) },
    { name: 'loss_mask', type: 'JSON', data: members.map((m) => m.loss_mask ?? null) },
  ];
}

export interface PayloadFileNames {
  readonly jsonl: string;
  readonly parquet: string;
}

/** File names inside the output folder: one subfolder per run, named by sequence then id so `ls` lists them in order. */
export function payloadFileNames(runId: string, sequence: number, batchId: string): PayloadFileNames {
  const base = `${safeSegment(runId)}/${String(sequence).padStart(8, '0')}-${batchId}`;
  return { jsonl: `${base}.jsonl`, parquet: `${base}.parquet` };
}

// Run ids are chosen by producers: keep them from escaping the folder or naming odd files.
function safeSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return cleaned === '' ? '_' : cleaned.slice(0, 120);
}
