import { readFileSync } from 'node:fs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-runner';

/** `rollout-ledger bench --quick` as a smoke test: every scenario runs and reports figures (no thresholds). */
describe('rollout-ledger bench --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'rl-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every benchmark scenario and writes the figures as JSON', async () => {
    const result = await runCli(['bench', '--quick', '--out', out], {}, 900_000);
    expect(result.code).toBe(0);
    const files = readdirSync(out).filter((file) => file.endsWith('.json'));
    expect(files).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(out, files[0] as string), 'utf8')) as { scenarios?: Array<{ name: string; figures: Array<{ name: string; value: number }> }> };
    expect(JSON.stringify(report)).toContain('events_per_s');
    expect(result.stdout).toMatch(/events\/s/);
    // The GRPO latency legs come from the assembler's rows, read back before the scenario removes them.
    const grpo = new Map((report.scenarios?.find((s) => s.name === 'grpo')?.figures ?? []).map((f) => [f.name, f.value]));
    for (const leg of ['to_step', 'step_to_lease', 'lease_to_trainer']) expect(Number.isFinite(grpo.get(`grpo.light.leg_${leg}_p50`))).toBe(true);
    expect(grpo.get('grpo.light.leg_step_to_lease_p50')).toBeGreaterThan(0);
  });
});
