import { ValidationError } from '@rollout-ledger/contracts';
import { MalformedBodyError } from './ingest.errors';

/** One item of a request before validation; `line` is set for NDJSON (1-based). */
export interface IngestItem {
  readonly envelope: unknown;
  readonly line?: number;
}

/**
 * The items of a POST /v1/events body as the HTTP edge delivers it: JSON is already parsed (one
 * envelope or an array of them); NDJSON and text/plain arrive as a string, one envelope per line.
 */
export function parseIngestBody(body: unknown): IngestItem[] {
  if (typeof body === 'string') return parseNdjson(body);
  if (body === undefined || body === null) {
    throw new ValidationError('Empty body: send one event, a JSON array of events (application/json) or NDJSON (application/x-ndjson)', [
      { path: '', reason: 'no body, or a Content-Type other than application/json or application/x-ndjson' },
    ]);
  }
  if (Array.isArray(body)) return body.map((envelope) => ({ envelope }));
  return [{ envelope: body }];
}

function parseNdjson(text: string): IngestItem[] {
  const items: IngestItem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // Blank lines (a trailing newline, spacing between records) carry no event.
    if (line.trim() === '') return;
    try {
      items.push({ envelope: JSON.parse(line), line: i + 1 });
    } catch (error) {
      const reason = (error as Error).message;
      throw new MalformedBodyError(`NDJSON line ${i + 1} is not valid JSON: ${reason}; nothing was published`, [
        { path: `line ${i + 1}`, reason },
      ]);
    }
  });
  return items;
}
