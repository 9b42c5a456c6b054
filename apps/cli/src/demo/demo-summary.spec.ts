import { countBy, passRateByDomain, percent } from './demo-summary';

describe('demo summary', () => {
  it('adds up task stats per domain and divides passes by scored attempts', () => {
    const rates = passRateByDomain([
      { domain: 'retail', attempts: 8, scored: 8, passes: 6 },
      { domain: 'airline', attempts: 8, scored: 8, passes: 2 },
      { domain: 'retail', attempts: 8, scored: 4, passes: 1 },
      { domain: null, attempts: 2, scored: 0, passes: 0 },
    ]);
    expect(rates).toEqual([
      { domain: 'airline', attempts: 8, passes: 2, pass_rate: 0.25 },
      { domain: 'retail', attempts: 16, passes: 7, pass_rate: 7 / 12 },
      { domain: 'unknown', attempts: 2, passes: 0, pass_rate: null },
    ]);
  });

  it('counts by key in a stable order and formats percentages', () => {
    expect(countBy(['b', 'a', 'b'], (x) => x)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(percent(0.4567)).toBe('45.7%');
    expect(percent(null)).toBe('n/a');
  });
});
