import { existsSync, readFileSync } from 'node:fs';
import { runCli } from './cli-runner';

/** README's main command, in its short CI form: it must reach its summary on the real stack. */
describe('rollout-ledger demo', () => {
  it('runs the whole pipeline to its summary', async () => {
    const result = await runCli(['demo', '--exit', '--tasks', '6', '--group-size', '4', '--batch-groups', '2', '--port', '0', '--timeout', '240'], {}, 420_000);
    expect(result.stderr).not.toMatch(/error \[/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rollouts materialized\s+24 of 24 published \(6 tasks\)/);
    // The summary's line, e.g. "  groups                  3 batched, 1 filtered (zero_variance), 2 ready".
    const groups = /^ {2}groups {2,}(.*)$/m.exec(result.stdout)?.[1] ?? '';
    const counted = groups.split(', ').reduce((sum, part) => sum + Number(/^(\d+) /.exec(part)?.[1] ?? Number.NaN), 0);
    expect(`${counted} groups: ${groups}`).toBe(`6 groups: ${groups}`);
    expect(result.stdout).toMatch(/batches ready\s+\d+ of 2 groups each/);
    expect(result.stdout).toMatch(/airline|retail/);
    const exportFile = /SFT export \(reward = 1\) (\S+)/.exec(result.stdout)?.[1];
    expect(exportFile && existsSync(exportFile)).toBe(true);
    const lines = readFileSync(exportFile as string, 'utf8').trim().split('\n').filter(Boolean);
    for (const line of lines) expect(JSON.parse(line)).toEqual(expect.objectContaining({ messages: expect.any(Array), tools: expect.any(Array) }));
  });
});
