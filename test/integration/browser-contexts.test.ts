import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '#shared/crawl/browser.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import { type Site, sendPage, startSite } from '#test/support/site-server.ts';

/** A wall whose script sets this host's cookie and reloads; the page opens only with that cookie. */
function walledSite(name: string) {
  return startSite((req, res) => {
    if (!req.headers.cookie?.includes(`${name}=ok`)) {
      const wall = `<html><body><script>document.cookie='${name}=ok; path=/';location.reload();</script></body></html>`;
      return sendPage(req, res, Buffer.from(wall), 'text/html; charset=utf-8', 412);
    }
    return sendPage(
      req,
      res,
      Buffer.from(`<html><body><p id="in">${name}</p></body></html>`),
      'text/html; charset=utf-8',
    );
  });
}

/**
 * Several hosts rendered at once, each in its own browser context, each passing its own cookie wall.
 * In Chromium's --single-process mode the contexts shared one cookie jar and this failed: one host's
 * cookie landed in another's context. Real Chromium, real servers.
 */
describe('browser contexts per host', () => {
  let sites: Site[] = [];
  let pool: BrowserPool;
  beforeAll(async () => {
    sites = await Promise.all(['alpha', 'beta', 'gamma'].map(walledSite));
    pool = new BrowserPool({
      userAgent: 'nianbao-watch-test',
      timeoutMs: 10_000,
      gate: new HostGate(0, 8),
      allowPrivateOrigins: sites.map((s) => s.origin),
    });
  });
  afterAll(async () => {
    await pool?.close();
    await Promise.all(sites.map((s) => s.close()));
  });

  it('keeps each host its own cookies while rendering them concurrently', async () => {
    const pages = await Promise.all(sites.map((s) => pool.render(`${s.origin}/`)));
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
    expect(pages.map((p) => /<p id="in">(\w+)</.exec(p.html)?.[1])).toEqual(['alpha', 'beta', 'gamma']);
    // Each host saw only its own cookie, never another host's.
    sites.forEach((s, i) => {
      const name = ['alpha', 'beta', 'gamma'][i]!;
      for (const r of s.requests) expect(r.cookie ?? `${name}=ok`).toBe(`${name}=ok`);
    });
  });
});
