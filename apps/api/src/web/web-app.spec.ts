import { WEB_CSP, isWebPath } from './web-app';

describe('the web app on the API origin', () => {
  it('leaves /v1, /docs, /health and /metrics to the API and takes every other path', () => {
    for (const p of ['/v1/search', '/v1', '/docs', '/docs/', '/docs-json', '/health', '/metrics']) expect(isWebPath(p)).toBe(false);
    for (const p of ['/', '/serials/GW100-0001', '/lots/REEL-C1', '/assets/index-abc.js', '/v1x', '/healthy']) expect(isWebPath(p)).toBe(true);
  });

  it('allows scripts from its own origin only: no inline script, no eval', () => {
    const script = WEB_CSP.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self'");
    expect(WEB_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(WEB_CSP).toContain("frame-ancestors 'none'");
  });
});
