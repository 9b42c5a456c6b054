import { readFile } from 'node:fs/promises';
import type { BatchMember } from '@rollout-ledger/grpo';
import { atomicWrite, exists } from './atomic-write';
import { toParquetColumns } from './batch-payload';
import { requireEsm } from './esm-require';

type ParquetWriter = typeof import('hyparquet-writer');

let parquet: ParquetWriter | null = null;

/** Writes the Parquet twin of a batch's JSONL payload unless it exists already (idempotent, crash-safe). */
export async function writeParquetPayload(batchId: string, paths: { readonly jsonl: string; readonly parquet: string }): Promise<void> {
  if (await exists(paths.parquet)) return;
  const lines = (await readFile(paths.jsonl, 'utf8')).split('\n').filter((line) => line !== '');
  const members = lines.map((line) => {
    const { batch_id: _batchId, ...member } = JSON.parse(line) as BatchMember & { batch_id: string };
    return member;
  });
  parquet ??= requireEsm<ParquetWriter>('hyparquet-writer');
  const buffer = parquet.parquetWriteBuffer({ columnData: toParquetColumns(batchId, members) as never, createdBy: 'rollout-ledger grpo-assembler' });
  await atomicWrite(paths.parquet, new Uint8Array(buffer));
}
