import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Streams a COPY … FROM STDIN payload (already in COPY text format, a string or UTF-8 chunks) through a client. */
export async function copyIn(client: PoolClient, sql: string, payload: string | readonly Buffer[]): Promise<void> {
  if (payload.length === 0) return;
  const chunks = typeof payload === 'string' ? [Buffer.from(payload, 'utf8')] : payload;
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}
