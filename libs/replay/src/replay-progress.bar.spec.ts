import { createProgressBar } from './replay-progress.bar';

describe('createProgressBar', () => {
  it('writes throttled plain lines when not on a terminal, always the first and last', () => {
    const lines: string[] = [];
    let t = 0;
    const bar = createProgressBar({ write: (text: string) => lines.push(text) }, { intervalMs: 1000, now: () => t });
    bar.reading(0, 10);
    t = 10;
    bar.reading(5, 10);
    t = 20;
    bar.reading(10, 10);
    bar.scoring(0, 4, 0);
    t = 2000;
    bar.scoring(2, 4, 2);
    bar.scoring(4, 4, 4);
    bar.done();
    expect(lines).toEqual([
      'replay: reading   [························]   0% 0/10 records\n',
      'replay: reading   [########################] 100% 10/10 records\n',
      'replay: scoring   [························]   0% 0/4 rollouts, 0 published\n',
      'replay: scoring   [############············]  50% 2/4 rollouts, 2 published\n',
      'replay: scoring   [########################] 100% 4/4 rollouts, 4 published\n',
    ]);
  });

  it('redraws one line on a terminal and ends it', () => {
    let out = '';
    const bar = createProgressBar({ isTTY: true, write: (text: string) => (out += text) }, { intervalMs: 0, now: () => 0 });
    bar.scoring(1, 2, 1);
    bar.done();
    expect(out).toBe('\r\x1b[2Kreplay: scoring   [############············]  50% 1/2 rollouts, 1 published\n');
  });
});
