import { processStatusMb } from './rss-sampler';

describe('process memory from /proc', () => {
  it('reads resident and peak memory of a process in MB; the peak is never below the resident size', () => {
    const rss = processStatusMb(process.pid, 'VmRSS') as number;
    const peak = processStatusMb(process.pid, 'VmHWM') as number;
    expect(rss).toBeGreaterThan(1);
    expect(Math.abs(rss - process.memoryUsage.rss() / 1024 / 1024)).toBeLessThan(64);
    expect(peak).toBeGreaterThanOrEqual(rss);
  });

  it('throws for a process that does not exist', () => {
    expect(() => processStatusMb(2 ** 30, 'VmRSS')).toThrow();
  });
});
