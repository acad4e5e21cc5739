import { afterEach, describe, expect, it } from 'vitest';
import { BrowserPool } from '#shared/crawl/browser.ts';
import { egressProxy } from '#shared/crawl/egress-proxy.ts';
import { FETCH_DEFAULTS, HttpFetcher } from '#shared/crawl/fetcher.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import type { LookupAll } from '#shared/crawl/ssrf.ts';
import { InfrastructureError, UnsafeTargetError } from '#shared/errors.ts';
import { startCmsPortal } from '#test/support/cms-portal.ts';
import { crawlOnce, startCrawlRuntime } from '#test/support/crawl-runtime.ts';
import { type ForwardProxy, startForwardProxy } from '#test/support/forward-proxy.ts';
import { sendPage, startSite } from '#test/support/site-server.ts';

/** A DNS table: `intranet.example.cn` is a private address, any other name the loopback test sites. */
const lookup: LookupAll = (hostname, _options, callback) => {
  if (hostname === 'intranet.example.cn') return callback(null, [{ address: '10.0.0.5', family: 4 }]);
  return callback(null, [{ address: '127.0.0.1', family: 4 }]);
};

const page = (text: string) => `<html><body><p id="t">${text}</p></body></html>`;

describe('the egress proxy (NIANBAO_HTTP_PROXY)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(credentials?: { user: string; pass: string }) {
    const site = await startSite((req, res) =>
      sendPage(req, res, Buffer.from(page(req.url ?? '')), 'text/html; charset=utf-8'),
    );
    cleanup.push(() => site.close());
    const proxy = await startForwardProxy(credentials);
    cleanup.push(() => proxy.close());
    return { site, proxy };
  }

  const fetcherVia = (proxyUrl: string, allow: string[]) => {
    const f = new HttpFetcher({
      userAgent: 'nianbao-watch-test',
      timeoutMs: 5_000,
      ...FETCH_DEFAULTS,
      retries: 0,
      gate: new HostGate(0, 4),
      robots: false,
      allowPrivateOrigins: allow,
      lookup,
      egressProxy: egressProxy(proxyUrl),
    });
    cleanup.push(() => f.close());
    return f;
  };
  const target = (origin: string) => new URL(origin).host;
  const targets = (proxy: ForwardProxy) => proxy.tunnels.map((t) => t.target);

  it('sends every fetcher request through a CONNECT tunnel of the proxy', async () => {
    const { site, proxy } = await setup();
    const fetcher = fetcherVia(proxy.url, [site.origin]);

    const results = [];
    for (const path of ['/a', '/b', '/c']) results.push(await fetcher.fetch(`${site.origin}${path}`));

    expect(results.map((r) => [r.status, Buffer.from(r.bytes).toString()])).toEqual(
      ['/a', '/b', '/c'].map((p) => [200, page(p)]),
    );
    expect(site.requests).toHaveLength(3);
    // Kept alive: one tunnel may carry several requests; every tunnel goes to the site.
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(targets(proxy))).toEqual(new Set([target(site.origin)]));
  });

  it('still refuses unsafe targets before asking the proxy: a private literal and a name resolving to one', async () => {
    const { proxy } = await setup();
    const fetcher = fetcherVia(proxy.url, []);

    const literal = await fetcher.fetch('http://169.254.169.254/latest/meta-data/').catch((e) => e);
    const named = await fetcher.fetch('http://intranet.example.cn/').catch((e) => e);

    expect(literal).toBeInstanceOf(UnsafeTargetError);
    expect(named).toBeInstanceOf(UnsafeTargetError);
    expect((named as UnsafeTargetError).host).toBe('intranet.example.cn (10.0.0.5)');
    expect(proxy.tunnels).toEqual([]);
  });

  it('passes the credentials in the proxy URL; a proxy that refuses them or is down is our fault, not the portal’s', async () => {
    const { site, proxy } = await setup({ user: 'crawler', pass: 's3cret' });
    const good = fetcherVia(proxy.url, [site.origin]);
    const wrong = fetcherVia(proxy.url.replace('s3cret', 'nope'), [site.origin]);
    const down = fetcherVia('http://127.0.0.1:9', [site.origin]);

    const ok = await good.fetch(`${site.origin}/ok`);
    const refused = await wrong.fetch(`${site.origin}/refused`).catch((e) => e);
    const unreachable = await down.fetch(`${site.origin}/down`).catch((e) => e);

    expect(ok.status).toBe(200);
    expect(refused).toBeInstanceOf(InfrastructureError);
    expect((refused as Error).message).toMatch(/407/);
    expect(refused.message).not.toMatch(/s3cret|nope/);
    expect(unreachable).toBeInstanceOf(InfrastructureError);
    expect(site.requests.map((r) => r.path)).toEqual(['/ok']);
  });

  it('chains Chromium’s guard proxy to it: renders go through the egress proxy, unsafe names are still refused', async () => {
    const { site, proxy } = await setup();
    const pool = new BrowserPool({
      userAgent: 'nianbao-watch-test',
      timeoutMs: 15_000,
      gate: new HostGate(0, 4),
      allowPrivateOrigins: [site.origin],
      egressProxy: egressProxy(proxy.url),
    });
    cleanup.push(() => pool.close());

    const rendered = await pool.render(`${site.origin}/rendered`);
    const refused = await pool.render('http://localhost.:1/').catch((e) => e);

    expect(/<p id="t">([^<]*)</.exec(rendered.html)?.[1]).toBe('/rendered');
    expect(site.requests.map((r) => r.path)).toContain('/rendered');
    expect(targets(proxy).length).toBeGreaterThanOrEqual(1);
    expect(new Set(targets(proxy))).toEqual(new Set([target(site.origin)]));
    expect(refused).toBeInstanceOf(UnsafeTargetError);
  }, 60_000);

  it('carries a whole crawl through the runtime; a proxy refusing us dead-letters the crawl and leaves the body healthy', async () => {
    const portal = await startCmsPortal(['trs']);
    cleanup.push(() => portal.close());
    const site = portal.sites.trs;
    const body = { ...site.bodies[0]!, render: 'http' as const };
    const proxy = await startForwardProxy({ user: 'crawler', pass: 's3cret' });
    cleanup.push(() => proxy.close());

    const t = await startCrawlRuntime(
      [body],
      { NIANBAO_TODAY: '2025-06-01', NIANBAO_HTTP_PROXY: proxy.url },
      undefined,
      ['crawl'],
    );
    cleanup.push(() => t.close());
    await crawlOnce(t.rt);
    const [outcome] = t.rt.events.crawls;
    expect([outcome?.status, outcome?.listingPages, outcome?.newReports]).toEqual(['ok', 3, 7]);
    expect(new Set(targets(proxy))).toEqual(new Set([new URL(body.listingUrl).host]));
    expect(proxy.tunnels.every((x) => x.ok)).toBe(true);

    const wrong = await startCrawlRuntime(
      [body],
      { NIANBAO_TODAY: '2025-06-01', NIANBAO_HTTP_PROXY: proxy.url.replace('s3cret', 'nope') },
      undefined,
      ['crawl'],
    );
    cleanup.push(() => wrong.close());
    const asked = site.log.length;
    await crawlOnce(wrong.rt);
    expect(wrong.rt.queues.crawl.deadLetters.map((d) => d.error)).toEqual([expect.stringMatching(/407/)]);
    expect(await wrong.rt.ctx.repo.getBodyState(body.id)).toEqual({
      bodyId: body.id,
      consecutiveFailures: 0,
    });
    expect(site.log.length).toBe(asked);
  }, 120_000);
});
