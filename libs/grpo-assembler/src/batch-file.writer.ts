import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BatchMember } from '@rollout-ledger/grpo';
import { payloadFileNames, toJsonlPayload, toParquetColumns } from './batch-payload';
import { requireEsm } from './esm-require';

type ParquetWriter = typeof import('hyparquet-writer');

export interface PayloadPaths {
  /** Absolute paths. */
  readonly jsonl: string;
  readonly parquet: string;
}

/**
 * Writes a batch's payload files. Each is written under a temporary name in the same folder, then
 * renamed: a crash leaves at most a `.tmp-*` file, never a half payload under the real name. Names
 * derive from the deterministic batch id, so a retry overwrites with the same bytes.
 *
 * The JSONL is written inside the assembling transaction (the batch is leasable once it commits);
 * the Parquet is derived from that JSONL afterwards by the outbox relay, because encoding it costs
 * tens of milliseconds per batch that would otherwise sit between the last reward and the lease.
 */
export class BatchFileWriter {
  private parquet: ParquetWriter | null = null;

  constructor(private readonly outputDir: string) {}

  pathsOf(runId: string, sequence: number, batchId: string): PayloadPaths {
    const names = payloadFileNames(runId, sequence, batchId);
    return { jsonl: join(this.outputDir, names.jsonl), parquet: join(this.outputDir, names.parquet) };
  }

  async writeJsonl(runId: string, sequence: number, batchId: string, members: readonly BatchMember[]): Promise<PayloadPaths> {
    const paths = this.pathsOf(runId, sequence, batchId);
    await mkdir(dirname(paths.jsonl), { recursive: true });
    await atomicWrite(paths.jsonl, toJsonlPayload(batchId, members));
    return paths;
  }

  /** Writes the Parquet twin of a JSONL payload unless it exists already (idempotent, crash-safe). */
  async ensureParquet(batchId: string, paths: PayloadPaths): Promise<void> {
    if (await exists(paths.parquet)) return;
    const lines = (await readFile(paths.jsonl, 'utf8')).split('\n').filter((line) => line !== '');
    const members = lines.map((line) => {
      const { batch_id: _batchId, ...member } = JSON.parse(line) as BatchMember & { batch_id: string };
      return member;
    });
    const buffer = this.parquetModule().parquetWriteBuffer({
      columnData: toParquetColumns(batchId, members) as never,
      createdBy: 'rollout-ledger grpo-assembler',
    });
    await atomicWrite(paths.parquet, new Uint8Array(buffer));
  }

  private parquetModule(): ParquetWriter {
    this.parquet ??= requireEsm<ParquetWriter>('hyparquet-writer');
    return this.parquet;
  }
}

async function atomicWrite(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${dirname(path)}/.tmp-${randomUUID()}`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
