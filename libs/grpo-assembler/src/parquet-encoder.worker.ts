import { parentPort } from 'node:worker_threads';
import type { PayloadRow } from './batch-payload';
import { writeParquetPayload } from './parquet-payload';

/** The thread ParquetEncoder starts: one request at a time, answered with its id. */
parentPort?.on('message', (request: { id: number; batchId: string; paths: { jsonl: string; parquet: string }; rows: PayloadRow[] | null }) => {
  writeParquetPayload(request.batchId, request.paths, request.rows ?? undefined).then(
    () => parentPort?.postMessage({ id: request.id, error: null }),
    (error: Error) => parentPort?.postMessage({ id: request.id, error: error.message ?? String(error) }),
  );
});
