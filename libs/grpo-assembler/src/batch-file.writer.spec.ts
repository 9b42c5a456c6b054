import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchMember } from '@rollout-ledger/grpo';
import { BatchFileWriter } from './batch-file.writer';
import { memberJson, memberLineTail, payloadRowOf, type PayloadRow } from './batch-payload';
import { requireEsm } from './esm-require';

const member = (rollout_id: string, advantage: number): BatchMember => ({
  rollout_id,
  group_id: 'g-1',
  task_id: 't-1',
  policy_version: 3,
  attempt: 0,
  reward: 1,
  advantage,
  messages: [{ role: 'user', content: `hello from ${rollout_id}` }],
  tools: [],
});

async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const { parquetReadObjects } = requireEsm<typeof import('hyparquet')>('hyparquet');
  return parquetReadObjects({ file: new Uint8Array(readFileSync(path)).buffer });
}

describe('BatchFileWriter', () => {
  let dir: string;
  let writer: BatchFileWriter;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'batch-files-'));
    writer = new BatchFileWriter(dir);
  });
  afterEach(async () => {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const writeBatch = (sequence: number, members: readonly BatchMember[]) =>
    writer.writeJsonl('run', sequence, `b-${sequence}`, members.map((m) => memberLineTail(memberJson(m))));

  it('given the rows kept for a committed batch, then its Parquet is written from them, and from its JSONL once they are taken', async () => {
    const paths = await writeBatch(0, [member('r-0', 0.5)]);
    // Rows that differ from the JSONL show which source the Parquet came from.
    const kept: PayloadRow[] = [payloadRowOf(member('from-memory', 0.25))];
    writer.keepRows('b-0', kept);
    await writer.ensureParquet('b-0', paths);
    expect((await parquetRows(paths.parquet)).map((r) => [r.rollout_id, r.advantage])).toEqual([['from-memory', 0.25]]);

    rmSync(paths.parquet);
    await writer.ensureParquet('b-0', paths);
    expect((await parquetRows(paths.parquet)).map((r) => [r.rollout_id, r.advantage, r.messages])).toEqual([['r-0', 0.5, JSON.stringify(member('r-0', 0.5).messages)]]);
  });

  it('given more batches waiting than it keeps rows for, then the oldest is encoded from its JSONL and the newest from memory', async () => {
    const paths = [];
    for (let sequence = 0; sequence < 9; sequence++) {
      paths.push(await writeBatch(sequence, [member(`jsonl-${sequence}`, 0)]));
      writer.keepRows(`b-${sequence}`, [payloadRowOf(member(`memory-${sequence}`, 0))]);
    }
    await writer.ensureParquet('b-0', paths[0]!);
    await writer.ensureParquet('b-8', paths[8]!);
    expect((await parquetRows(paths[0]!.parquet))[0]?.rollout_id).toBe('jsonl-0');
    expect((await parquetRows(paths[8]!.parquet))[0]?.rollout_id).toBe('memory-8');
  });

  it('given a Parquet payload that exists already, then it is left as it is', async () => {
    const paths = await writeBatch(0, [member('r-0', 0.5)]);
    await writer.ensureParquet('b-0', paths);
    const before = readFileSync(paths.parquet);
    writer.keepRows('b-0', [payloadRowOf(member('other', 1))]);
    await writer.ensureParquet('b-0', paths);
    expect(readFileSync(paths.parquet).equals(before)).toBe(true);
  });
});
