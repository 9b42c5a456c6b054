import type { BatchMember } from '@rollout-ledger/grpo';
import { jsonlChunks, jsonlOf, memberJson, memberLineTail, numbersJson, payloadFileNames, payloadRowOf, renderMember, rowsOfJsonl, toJsonlPayload } from './batch-payload';
import { encodeParquetPayload } from './parquet-payload';
import { requireEsm } from './esm-require';

const members: BatchMember[] = [
  {
    rollout_id: 'r-0',
    group_id: 'g-1',
    task_id: 't-1',
    policy_version: 7,
    attempt: 0,
    reward: 1,
    advantage: 0.866,
    messages: [{ role: 'user', content: 'hi' }],
    tools: [{ type: 'function' }],
    token_ids: [1, 2],
    logprobs: [0, -0.5],
    loss_mask: [0, 1],
  },
  { rollout_id: 'r-1', group_id: 'g-1', task_id: 't-1', policy_version: 7, attempt: 1, reward: 0, advantage: -0.866, messages: [], tools: [] },
];

describe('batch payload', () => {
  it('given members rendered before their batch id was known, then the JSONL is byte for byte that of JSON.stringify({ batch_id, ...member })', () => {
    const batchId = 'run "x"/b-1';
    expect(jsonlOf(batchId, members.map(memberJson))).toBe(members.map((m) => `${JSON.stringify({ batch_id: batchId, ...m })}\n`).join(''));
    // The vectored form written by the assembler: the same bytes.
    expect(Buffer.concat(jsonlChunks(batchId, members.map((m) => memberLineTail(memberJson(m))))).toString('utf8')).toBe(jsonlOf(batchId, members.map(memberJson)));
  });

  it('given members, then JSONL has one line per member in order, each with the batch id', () => {
    const lines = toJsonlPayload('b-1', members).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] as string)).toEqual({ batch_id: 'b-1', ...members[0] });
    expect(JSON.parse(lines[1] as string)).not.toHaveProperty('token_ids');
  });

  it('given members, then each is rendered once into its exact JSON and the JSON text of its nested fields', () => {
    const odd: BatchMember = { ...members[0]!, messages: [{ role: 'user', content: 'qu"ote \\ é 😀 \u2028' }], reward: -0, advantage: 1e21 };
    for (const member of [...members, odd]) {
      const { row, json } = renderMember(member);
      expect(json).toBe(memberJson(member));
      expect(row.nested.messages).toBe(JSON.stringify(member.messages));
      expect(row).toMatchObject({ rollout_id: member.rollout_id, policy_version: member.policy_version, attempt: member.attempt, advantage: member.advantage });
    }
    expect(renderMember(members[1]!).row.nested).toEqual({ messages: '[]', tools: '[]', token_ids: null, logprobs: null, loss_mask: null });
    // Read back from the JSONL (after a restart), the rows are the same.
    expect(rowsOfJsonl(toJsonlPayload('b-1', [...members, odd]))).toEqual([...members, odd].map(payloadRowOf));
  });

  it('given arrays of numbers, then their JSON text is what JSON.stringify writes, NaN and ±Infinity included', () => {
    const float32 = Array.from(new Float32Array([-0.1, -2.5e-7, -13.37]));
    for (const values of [[], [0], [-0, 1e21, 1e-7, 5e-324, -Number.MAX_VALUE, 123456789012], float32, [1, Number.NaN, 2], [Number.POSITIVE_INFINITY], [-Number.POSITIVE_INFINITY, 0.5]]) {
      expect(numbersJson(values)).toBe(JSON.stringify(values));
    }
    expect(numbersJson([1, Number.NaN])).toBe('[1,null]');
  });

  it('given members, then the Parquet has typed scalars and the nested values as JSON text under the JSON logical type, absent token fields null', async () => {
    const { parquetReadObjects, parquetMetadata } = requireEsm<typeof import('hyparquet')>('hyparquet');
    const file = encodeParquetPayload('b-1', members.map(payloadRowOf));
    const rows = await parquetReadObjects({ file: file.buffer as ArrayBuffer });
    expect(rows[0]).toMatchObject({ batch_id: 'b-1', rollout_id: 'r-0', policy_version: 7n, attempt: 0, advantage: 0.866 });
    expect(JSON.parse(rows[0]!.token_ids as string)).toEqual([1, 2]);
    expect(JSON.parse(rows[0]!.loss_mask as string)).toEqual([0, 1]);
    expect(JSON.parse(rows[0]!.messages as string)).toEqual([{ role: 'user', content: 'hi' }]);
    expect(rows[1]).toMatchObject({ rollout_id: 'r-1', token_ids: null, logprobs: null, loss_mask: null, tools: '[]' });
    const schema = parquetMetadata(file.buffer as ArrayBuffer).schema;
    const element = (name: string) => schema.find((e) => e.name === name);
    expect(element('messages')).toMatchObject({ type: 'BYTE_ARRAY', logical_type: { type: 'JSON' }, repetition_type: 'REQUIRED' });
    expect(element('token_ids')).toMatchObject({ logical_type: { type: 'JSON' }, repetition_type: 'OPTIONAL' });
    expect(element('rollout_id')).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    expect(element('policy_version')).toMatchObject({ type: 'INT64' });
  });

  it('given the rows rendered for the JSONL or the rows read back from it, then the Parquet bytes are the same', () => {
    const rendered = members.map((m) => renderMember(m).row);
    const readBack = rowsOfJsonl(toJsonlPayload('b-1', members));
    expect(Buffer.from(encodeParquetPayload('b-1', readBack)).equals(Buffer.from(encodeParquetPayload('b-1', rendered)))).toBe(true);
  });

  it('given a run id with path characters, then file names stay inside one folder per run, ordered by sequence', () => {
    expect(payloadFileNames('../etc/run 1', 12, 'b-9')).toEqual({ jsonl: '__etc_run_1/00000012-b-9.jsonl', parquet: '__etc_run_1/00000012-b-9.parquet' });
  });
});
