import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { atomicWriteChunksSync } from './atomic-write';
import { jsonlChunks, payloadFileNames, type PayloadRow } from './batch-payload';
import { ParquetEncoder } from './parquet-encoder';

/** Batches whose rendered rows are kept for their Parquet: the relay normally takes each within milliseconds. */
const MAX_KEPT = 8;

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
 * the Parquet is written afterwards by the outbox relay, because encoding it costs
 * tens of milliseconds per batch that would otherwise sit between the last reward and the lease
 * — and on a thread of its own (ParquetEncoder), so that it does not hold the lease requests either.
 * The rows rendered for the JSONL of a committed batch are kept for that (`keepRows`), so the
 * encoder does not parse the JSONL back and stringify its nested fields again; a batch whose rows
 * are gone (a restart, or more than MAX_KEPT batches waiting) is encoded from its JSONL.
 */
export class BatchFileWriter {
  private readonly parquet = new ParquetEncoder();
  /** Folders created (or found) already by this writer. */
  private readonly folders = new Set<string>();
  /** Rendered rows of committed batches whose Parquet is not written yet, oldest first. */
  private readonly kept = new Map<string, readonly PayloadRow[]>();

  constructor(private readonly outputDir: string) {}

  pathsOf(runId: string, sequence: number, batchId: string): PayloadPaths {
    const names = payloadFileNames(runId, sequence, batchId);
    return { jsonl: join(this.outputDir, names.jsonl), parquet: join(this.outputDir, names.parquet) };
  }

  /**
   * `tails`: each member's encoded line after the batch id (batch-payload memberLineTail), in batch
   * order. Written synchronously (atomicWriteChunksSync) on the next turn of the event loop, so the
   * Postgres statements the caller started just before are on the wire while the file is written.
   */
  writeJsonl(runId: string, sequence: number, batchId: string, tails: readonly Buffer[]): Promise<PayloadPaths> {
    const paths = this.pathsOf(runId, sequence, batchId);
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          const folder = dirname(paths.jsonl);
          if (!this.folders.has(folder)) {
            mkdirSync(folder, { recursive: true });
            this.folders.add(folder);
          }
          atomicWriteChunksSync(paths.jsonl, jsonlChunks(batchId, tails));
          resolve(paths);
        } catch (error) {
          // The folder may have been removed meanwhile: look again next time.
          this.folders.clear();
          reject(error);
        }
      });
    });
  }

  /** Keeps the rows of a batch that committed, for its Parquet (ensureParquet). */
  keepRows(batchId: string, rows: readonly PayloadRow[]): void {
    this.kept.delete(batchId);
    this.kept.set(batchId, rows);
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= MAX_KEPT) break;
      this.kept.delete(oldest);
    }
  }

  /** Writes the Parquet twin of a JSONL payload unless it exists already (idempotent, crash-safe), off the event loop. */
  async ensureParquet(batchId: string, paths: PayloadPaths): Promise<void> {
    await this.parquet.encode(batchId, paths, this.kept.get(batchId) ?? null);
    this.kept.delete(batchId);
  }

  /** Stops the encoding thread (the outbox relay has stopped). */
  close(): Promise<void> {
    return this.parquet.close();
  }
}
