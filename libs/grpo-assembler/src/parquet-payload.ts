import { readFile } from 'node:fs/promises';
import { atomicWrite, exists } from './atomic-write';
import { rowsOfJsonl, toParquetPayload, type PayloadRow } from './batch-payload';
import { requireEsm } from './esm-require';

type ParquetWriter = typeof import('hyparquet-writer');

let parquet: ParquetWriter | null = null;

/**
 * Writes the Parquet twin of a batch's JSONL payload unless it exists already (idempotent,
 * crash-safe). `rows` are the members as rendered for the JSONL; without them (after a restart)
 * they are read back from the JSONL file, which gives the same rows and so the same bytes.
 */
export async function writeParquetPayload(batchId: string, paths: { readonly jsonl: string; readonly parquet: string }, rows?: readonly PayloadRow[]): Promise<void> {
  if (await exists(paths.parquet)) return;
  await atomicWrite(paths.parquet, encodeParquetPayload(batchId, rows ?? rowsOfJsonl(await readFile(paths.jsonl, 'utf8'))));
}

export function encodeParquetPayload(batchId: string, rows: readonly PayloadRow[]): Uint8Array {
  parquet ??= requireEsm<ParquetWriter>('hyparquet-writer');
  const { schema, columnData } = toParquetPayload(batchId, rows);
  return new Uint8Array(parquet.parquetWriteBuffer({ schema: schema as never, columnData: columnData as never, createdBy: 'rollout-ledger grpo-assembler' }));
}
