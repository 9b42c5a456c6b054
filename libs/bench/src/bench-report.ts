import type { BenchRun } from './bench-runner';

const HEADERS = ['name', 'value', 'unit', 'baseline', 'ratio', 'note'] as const;

/** The figures of a run as a plain-text table, plus one peak-RSS row per scenario. */
export function formatBenchTable(run: BenchRun): string {
  const rows: string[][] = [];
  for (const scenario of run.scenarios) {
    for (const f of scenario.figures) {
      rows.push([f.name, formatNumber(f.value), f.unit, f.baseline ?? '', f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`, f.note ?? '']);
    }
    rows.push([`${scenario.name}.peak_rss`, formatNumber(scenario.peak_rss_mb), 'MB', '', '', `sampled during the scenario (${scenario.duration_s} s)`]);
    if (scenario.error) rows.push([`${scenario.name}`, 'FAILED', '', '', '', scenario.error]);
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 5 ? 0 : r[i].length))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 5 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `process peak RSS ${formatNumber(run.peak_rss_mb)} MB${run.quick ? ' (quick sizes)' : ''}`].join('\n');
}

/** `bench-results/<timestamp>.json`: sortable, no characters that file systems dislike. */
export function benchResultFileName(date: Date): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}.json`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Math.round(value * 100) / 100);
}
