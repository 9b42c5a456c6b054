import type { BatchMember } from '@rollout-ledger/grpo';
import { jsonlChunks, jsonlOf, memberJson, memberLineTail, payloadFileNames, toJsonlPayload, toParquetColumns } from './batch-payload';
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

  it('given members, then the Parquet columns round-trip through hyparquet with nested values as JSON and absent token fields as null', async () => {
    const { parquetWriteBuffer } = requireEsm<typeof import('hyparquet-writer')>('hyparquet-writer');
    const { parquetReadObjects } = requireEsm<typeof import('hyparquet')>('hyparquet');
    const rows = await parquetReadObjects({ file: parquetWriteBuffer({ columnData: toParquetColumns('b-1', members) as never }) });
    expect(rows[0]).toMatchObject({ batch_id: 'b-1', rollout_id: 'r-0', policy_version: 7n, attempt: 0, advantage: 0.866, token_ids: [1, 2], loss_mask: [0, 1], messages: [{ role: 'user', content: 'hi' }] });
    expect(rows[1]).toMatchObject({ rollout_id: 'r-1', token_ids: null, logprobs: null, loss_mask: null, tools: [] });
  });

  it('given a run id with path characters, then file names stay inside one folder per run, ordered by sequence', () => {
    expect(payloadFileNames('../etc/run 1', 12, 'b-9')).toEqual({ jsonl: '__etc_run_1/00000012-b-9.jsonl', parquet: '__etc_run_1/00000012-b-9.parquet' });
  });
});
