import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Streams a COPY … FROM STDIN payload (already in COPY text format) through a client. */
export async function copyIn(client: PoolClient, sql: string, payload: string): Promise<void> {
  if (payload.length === 0) return;
  await pipeline(Readable.from([Buffer.from(payload, 'utf8')]), client.query(copyFrom(sql)));
}
