import { serveBanner, servedUrl } from './serve-banner';

describe('serve banner', () => {
  it('reads back the URL it announces, from among other output', () => {
    const output = `starting…\n[Nest] listening on http://127.0.0.1:40123\n${serveBanner(['materializer', 'grpo'], 'http://127.0.0.1:40123')}more logs\n`;
    expect(servedUrl(output)).toBe('http://127.0.0.1:40123');
  });

  it('is null until the banner is printed', () => {
    expect(servedUrl('[Nest] listening on http://127.0.0.1:40123\n')).toBeNull();
    expect(servedUrl('')).toBeNull();
  });
});
