import type { ReplayReport, ReplaySliceStats } from './replay-report';

/** The report as a terminal table (the --json output is the report object itself). */
export function formatReplayReport(report: ReplayReport, header: readonly string[] = []): string {
  const skipped = Object.entries(report.skipped).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  const lines = [
    ...header,
    `reward function   ${report.reward_fn}   (baseline: ${report.baseline}, pass ≥ ${report.pass_threshold})`,
    `rollouts          ${report.rollouts_seen} seen, ${report.rollouts_scored} scored, skipped: ${skipped}`,
    `events            ${report.to_publish} new RewardAssigned, ${report.already_present} already present, ${report.conflicts} conflicts`,
    `rewards changed   ${report.rewards_changed} of ${report.with_baseline} with a baseline`,
    `flips             0→1 ${report.flips_0_to_1}   1→0 ${report.flips_1_to_0}`,
    `mean reward       before ${num(report.mean_before)}   after ${num(report.mean_after)}`,
    '',
    ...table('domain', report.by_domain),
    '',
    ...table('task', report.by_task),
  ];
  return `${lines.join('\n')}\n`;
}

function table(title: string, rows: readonly ReplaySliceStats[]): string[] {
  const width = Math.max(title.length, ...rows.map((row) => row.key.length));
  const head = `${title.padEnd(width)}  scored  changed  0→1  1→0  before  after`;
  return [
    head,
    ...rows.map(
      (r) =>
        `${r.key.padEnd(width)}  ${String(r.rollouts_scored).padStart(6)}  ${String(r.rewards_changed).padStart(7)}  ${String(r.flips_0_to_1).padStart(3)}  ${String(r.flips_1_to_0).padStart(3)}  ${num(r.mean_before).padStart(6)}  ${num(r.mean_after).padStart(5)}`,
    ),
  ];
}

function num(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}
