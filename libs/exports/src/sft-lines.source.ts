import { ToolsJsonCache, type ExportPosition, type ExportRange, type RolloutFilter, type RolloutRepository, type SftPage } from '@rollout-ledger/query';
import { sftRecord } from './sft.format';

/** Pages rendered at once: one Postgres backend each (the CLI's pool has 4 connections). */
export const SFT_PAGE_CONCURRENCY = 3;

/**
 * The SFT export's lines, one keyset page at a time (each yield = the lines of one page, in
 * export order). Postgres renders the messages (libs/query sft-lines.sql), so this process only
 * joins strings: parsing every turn into objects and serialising them again was most of the
 * export's CPU. Rollouts Postgres leaves unrendered (shapes outside its fast path) go through the
 * reference renderer, `sftRecord`, so every line equals what it would write.
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
): AsyncGenerator<string[]> {
  const boundaries = await repository.exportBoundaries(filter, pageSize);
  const ranges: ExportRange[] = [...boundaries, null].map((until, i) => ({ after: i === 0 ? null : (boundaries[i - 1] ?? null), until }));
  const tools = new ToolsJsonCache();
  const render = (range: ExportRange) => renderRange(repository, filter, range, pageSize, weights, tools);
  const inFlight: Array<Promise<string[][]>> = [];
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
): Promise<string[][]> {
  const pages: string[][] = [];
  let after: ExportPosition | null = range.after;
  for (;;) {
    const page: SftPage = await repository.sftPage(filter, { after, until: range.until }, pageSize, weights);
    pages.push(await renderPage(repository, page, tools, weights));
    if (page.next === null) return pages;
    after = page.next;
  }
}

async function renderPage(repository: RolloutRepository, page: SftPage, tools: ToolsJsonCache, weights: boolean): Promise<string[]> {
  const fallbackIds = page.rows.filter((row) => row.messages === null).map((row) => row.rollout_id);
  const fallback = new Map<string, string>();
  for (const trajectory of await repository.trajectoriesByIds(fallbackIds)) {
    fallback.set(trajectory.rollout_id, `${JSON.stringify(sftRecord(trajectory, { weights }))}\n`);
  }
  const lines: string[] = [];
  for (const row of page.rows) {
    const line =
      row.messages === null
        ? fallback.get(row.rollout_id)
        : `{"messages":${row.messages},"tools":${tools.render(row.tools)},"parallel_tool_calls":false}\n`;
    // A rollout deleted between its page and the fallback read is left out, as a later page would.
    if (line !== undefined) lines.push(line);
  }
  return lines;
}
