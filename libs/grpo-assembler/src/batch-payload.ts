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

/** A member's nested fields as JSON text: the Parquet payload's JSON columns, null where the member has none. */
export interface NestedJson {
  readonly messages: string;
  readonly tools: string;
  readonly token_ids: string | null;
  readonly logprobs: string | null;
  readonly loss_mask: string | null;
}

const NESTED_FIELDS = ['messages', 'tools', 'token_ids', 'logprobs', 'loss_mask'] as const;
type NestedField = (typeof NESTED_FIELDS)[number];
const isNested = (key: string): key is NestedField => (NESTED_FIELDS as readonly string[]).includes(key);

/** One row of the Parquet payload: a member's scalars, and its nested fields as JSON text. */
export interface PayloadRow extends Pick<BatchMember, 'rollout_id' | 'group_id' | 'task_id' | 'policy_version' | 'attempt' | 'reward' | 'advantage'> {
  readonly nested: NestedJson;
}

/** A member rendered for both payloads at once. */
export interface RenderedMemberJson {
  readonly row: PayloadRow;
  /** Byte for byte memberJson(member). */
  readonly json: string;
}

/**
 * Renders a member once for both payloads: each nested field is stringified once, and the member's
 * JSON object is put together from those texts (in the member's own key order, absent fields left
 * out, as JSON.stringify does), so the Parquet columns reuse them instead of parsing the JSONL back.
 */
export function renderMember(member: BatchMember): RenderedMemberJson {
  const row = payloadRowOf(member);
  const fields: string[] = [];
  for (const [key, value] of Object.entries(member)) {
    if (value === undefined) continue;
    fields.push(`${JSON.stringify(key)}:${isNested(key) ? (row.nested[key] as string) : JSON.stringify(value)}`);
  }
  return { row, json: `{${fields.join(',')}}` };
}

/** A member's Parquet row: its nested fields stringified, each once. */
export function payloadRowOf(member: BatchMember): PayloadRow {
  const text = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
  const { rollout_id, group_id, task_id, policy_version, attempt, reward, advantage } = member;
  const nested: NestedJson = {
    messages: JSON.stringify(member.messages),
    tools: JSON.stringify(member.tools),
    token_ids: text(member.token_ids),
    logprobs: member.logprobs === undefined ? null : numbersJson(member.logprobs),
    loss_mask: text(member.loss_mask),
  };
  // −0 as the JSONL has it (0), so that rows read back from it give the same Parquet bytes.
  const number = (value: number) => (value === 0 ? 0 : value);
  return { rollout_id, group_id, task_id, policy_version, attempt, reward: number(reward), advantage: number(advantage), nested };
}

/**
 * The JSON text of an array of numbers, as JSON.stringify writes it. Where every value is finite,
 * joined instead: the same text (both write a number as Number.prototype.toString does), and on
 * Node 20 about 2.5 times faster for fractional numbers such as logprobs, which took about half
 * the time spent stringifying a member. Otherwise JSON.stringify (null for NaN and ±Infinity).
 */
export function numbersJson(values: readonly number[]): string {
  for (const value of values) if (typeof value !== 'number' || !Number.isFinite(value)) return JSON.stringify(values);
  return `[${values.join(',')}]`;
}

/** A Parquet schema element, as hyparquet-writer takes it. */
export interface PayloadSchemaElement {
  readonly name: string;
  readonly num_children?: number;
  readonly type?: 'BYTE_ARRAY' | 'INT32' | 'INT64' | 'DOUBLE';
  readonly converted_type?: 'UTF8';
  readonly logical_type?: { readonly type: 'JSON' };
  readonly repetition_type?: 'REQUIRED' | 'OPTIONAL';
}

/** A column's values, with statistics turned off where they would only cost (JSON text). */
export interface PayloadColumnData {
  readonly name: string;
  readonly data: readonly unknown[];
  readonly statistics?: boolean;
}

export interface ParquetPayload {
  readonly schema: readonly PayloadSchemaElement[];
  readonly columnData: readonly PayloadColumnData[];
}

type ColumnKind = 'STRING' | 'INT32' | 'INT64' | 'DOUBLE' | 'JSON';

const physical: Record<ColumnKind, Omit<PayloadSchemaElement, 'name' | 'repetition_type'>> = {
  STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  INT32: { type: 'INT32' },
  INT64: { type: 'INT64' },
  DOUBLE: { type: 'DOUBLE' },
  JSON: { type: 'BYTE_ARRAY', logical_type: { type: 'JSON' } },
};

/**
 * The Parquet payload: scalars typed, nested values (messages, tools, token fields) as JSON text
 * under the JSON logical type, so a reader needs no nested schema: it parses each value.
 * The JSON columns are written from the text rendered once per member, as they are: they carry the
 * logical type only (hyparquet-writer would stringify again a column also marked with the legacy
 * JSON converted type). policy_version is INT64 as in the Avro contract, hence bigint.
 */
export function toParquetPayload(batchId: string, rows: readonly PayloadRow[]): ParquetPayload {
  const columns: [string, ColumnKind, boolean, readonly unknown[]][] = [
    ['batch_id', 'STRING', true, rows.map(() => batchId)],
    ['rollout_id', 'STRING', true, rows.map((r) => r.rollout_id)],
    ['group_id', 'STRING', true, rows.map((r) => r.group_id)],
    ['task_id', 'STRING', true, rows.map((r) => r.task_id)],
    ['policy_version', 'INT64', true, rows.map((r) => BigInt(r.policy_version))],
    ['attempt', 'INT32', false, rows.map((r) => r.attempt)],
    ['reward', 'DOUBLE', true, rows.map((r) => r.reward)],
    ['advantage', 'DOUBLE', true, rows.map((r) => r.advantage)],
    ...NESTED_FIELDS.map((field): [string, ColumnKind, boolean, readonly unknown[]] => [field, 'JSON', field === 'messages' || field === 'tools', rows.map((r) => r.nested[field])]),
  ];
  return {
    schema: [
      { name: 'root', num_children: columns.length },
      ...columns.map(([name, kind, required]) => ({ name, ...physical[kind], repetition_type: required ? ('REQUIRED' as const) : ('OPTIONAL' as const) })),
    ],
    columnData: columns.map(([name, kind, , data]) => (kind === 'JSON' ? { name, data, statistics: false } : { name, data })),
  };
}

/** The Parquet rows of a JSONL payload read back (after a restart, when the rendered rows are gone). */
export function rowsOfJsonl(jsonl: string): PayloadRow[] {
  return jsonl
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const { batch_id: _batchId, ...member } = JSON.parse(line) as BatchMember & { batch_id: string };
      return payloadRowOf(member);
    });
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
