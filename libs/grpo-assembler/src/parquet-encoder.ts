import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PayloadRow } from './batch-payload';
import { writeParquetPayload } from './parquet-payload';

interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Encodes Parquet payloads on a worker thread. Encoding a 256-rollout batch is one synchronous
 * call of 100+ ms on a loaded host; on the assembler's thread it ran right after each batch
 * committed, exactly when trainers poll for that batch, and held their lease requests (and the
 * next transactions) behind it. Where the compiled worker is not there (TypeScript run in-process
 * by jest), it encodes on the calling thread. A crashed worker fails what it held; the outbox
 * relay retries, on a new worker.
 */
export class ParquetEncoder {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly workerFile = join(__dirname, 'parquet-encoder.worker.js');
  private readonly threaded = __filename.endsWith('.js') && existsSync(this.workerFile);

  /** `rows`: the batch's members as rendered, when this process has them; else they are read back from the JSONL. */
  encode(batchId: string, paths: { readonly jsonl: string; readonly parquet: string }, rows: readonly PayloadRow[] | null): Promise<void> {
    if (!this.threaded) return writeParquetPayload(batchId, paths, rows ?? undefined);
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, batchId, paths: { jsonl: paths.jsonl, parquet: paths.parquet }, rows });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(this.workerFile);
    // Idle, it must not keep the process alive; shutdown awaits the relay's drain instead.
    worker.unref();
    worker.on('message', (reply: { id: number; error: string | null }) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error === null) pending?.resolve();
      else pending?.reject(new Error(`Parquet payload: ${reply.error}`));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the Parquet worker exited with ${code}`)));
    this.worker = worker;
    return worker;
  }
}
