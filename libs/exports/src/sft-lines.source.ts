import { SFT_FIELD, SFT_NULL, ToolsJsonCache, type ExportPosition, type ExportRange, type RolloutFilter, type RolloutRepository, type SftPage } from '@rollout-ledger/query';
import { sftRecord } from './sft.format';

/** Pages rendered at once: one Postgres backend each (the CLI's pool has 4 connections). */
export const SFT_PAGE_CONCURRENCY = 3;

/** The lines of one page of the SFT export, as UTF-8 bytes. */
export interface SftChunk {
  readonly lines: number;
  readonly bytes: Buffer;
}

/**
 * The SFT export's lines, one keyset page at a time, in export order. Postgres renders the
 * messages (libs/query sft-lines.sql) and streams them as raw bytes, so this process only splices
 * bytes: parsing every turn into objects and serialising them again, or even decoding the rendered
 * text into strings, was most of the export's CPU. Rollouts Postgres leaves unrendered (shapes
 * outside its fast path) go through the reference renderer, `sftRecord`, so every line equals what
 * it would write.
 *
 * Rendering is Postgres-bound, so the keyset is cut into page-sized ranges up front and
 * `concurrency` ranges are rendered at once; pages are still yielded strictly in order, and at
 * most `concurrency` + 1 pages are in memory (a range that grew after the cut, by rows inserted
 * meanwhile, is read in several pages and held whole).
 */
export async function* sftLinesOf(
  repository: RolloutRepository,
  filter: RolloutFilter,
  pageSize: number,
  weights: boolean,
  concurrency = SFT_PAGE_CONCURRENCY,
): AsyncGenerator<SftChunk> {
  const boundaries = await repository.exportBoundaries(filter, pageSize);
  const ranges: ExportRange[] = [...boundaries, null].map((until, i) => ({ after: i === 0 ? null : (boundaries[i - 1] ?? null), until }));
  const tools = new ToolsJsonCache();
  const render = (range: ExportRange) => renderRange(repository, filter, range, pageSize, weights, tools);
  const inFlight: Array<Promise<SftChunk[]>> = [];
  let started = 0;
  const startNext = () => {
    const range = ranges[started++];
    if (range !== undefined) inFlight.push(render(range));
  };
  try {
    for (let i = 0; i < Math.max(1, concurrency); i++) startNext();
    for (let pages = inFlight.shift(); pages !== undefined; pages = inFlight.shift()) {
      const done = await pages;
      startNext();
      yield* done;
    }
  } finally {
    // A consumer that stops early (client gone) must not leave rejected prefetches unhandled.
    for (const pending of inFlight) pending.catch(() => undefined);
  }
}

async function renderRange(
  repository: RolloutRepository,
  filter: RolloutFilter,
  range: ExportRange,
  pageSize: number,
  weights: boolean,
  tools: ToolsJsonCache,
): Promise<SftChunk[]> {
  const pages: SftChunk[] = [];
  let after: ExportPosition | null = range.after;
  for (;;) {
    const page: SftPage = await repository.sftPage(filter, { after, until: range.until }, pageSize, weights);
    pages.push(await renderPage(repository, page, tools, weights));
    if (page.next === null) return pages;
    after = page.next;
  }
}

const MESSAGES_OPEN = Buffer.from('{"messages":');
const TOOLS_OPEN = Buffer.from(',"tools":');
const LINE_CLOSE = Buffer.from(',"parallel_tool_calls":false}\n');
const NEWLINE = 0x0a;

/** Line i of a page body: its two fields, or null when the line is not in the expected shape. */
function* pageLines(body: Buffer): Generator<{ messages: Buffer | null; tools: Buffer | null } | null> {
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(NEWLINE, start);
    if (end < 0) end = body.length;
    const separator = body.indexOf(SFT_FIELD, start);
    if (separator < 0 || separator > end) {
      yield null;
    } else {
      const messages = body.subarray(start, separator);
      const tools = body.subarray(separator + 1, end);
      const isNull = (field: Buffer) => field.length === 1 && field[0] === SFT_NULL;
      yield { messages: isNull(messages) ? null : messages, tools: isNull(tools) ? null : tools };
    }
    start = end + 1;
  }
}

async function renderPage(repository: RolloutRepository, page: SftPage, tools: ToolsJsonCache, weights: boolean): Promise<SftChunk> {
  const lines = [...pageLines(page.body)];
  // Anything unexpected (a line count that does not match, a field Postgres had to quote)
  // sends the rollout through the reference renderer rather than guessing.
  const aligned = lines.length === page.keys.length;
  const usable = (i: number) => {
    const line = aligned ? lines[i] : null;
    return line && line.messages !== null && line.messages[0] === 0x5b /* [ */ ? line : null;
  };
  const fallbackIds = page.keys.filter((_, i) => usable(i) === null).map((key) => key.rollout_id);
  const fallback = new Map<string, Buffer>();
  for (const trajectory of await repository.trajectoriesByIds(fallbackIds)) {
    fallback.set(trajectory.rollout_id, Buffer.from(`${JSON.stringify(sftRecord(trajectory, { weights }))}\n`));
  }
  const pieces: Buffer[] = [];
  let count = 0;
  page.keys.forEach((key, i) => {
    const line = usable(i);
    if (line === null) {
      // A rollout deleted between its page and the fallback read is left out, as a later page would.
      const rendered = fallback.get(key.rollout_id);
      if (rendered === undefined) return;
      pieces.push(rendered);
    } else {
      pieces.push(MESSAGES_OPEN, line.messages as Buffer, TOOLS_OPEN, tools.render(line.tools), LINE_CLOSE);
    }
    count++;
  });
  return { lines: count, bytes: Buffer.concat(pieces) };
}
