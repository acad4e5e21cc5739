import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { DEMO_SITES } from '#seeds/portal/sites.ts';
import { discoverListing } from '#shared/crawl/discover-walk.ts';
import { HttpFetcher } from '#shared/crawl/fetcher.ts';
import { OriginMap } from '#shared/crawl/origin-map.ts';
import { HostGate } from '#shared/crawl/politeness.ts';

describe('discoverListing() on the demo portal', () => {
  let portal: DemoPortal;
  let fetcher: HttpFetcher;

  beforeAll(async () => {
    portal = await startDemoPortal();
    fetcher = new HttpFetcher({
      userAgent: 'nianbao-watch/test (+https://example.org)',
      timeoutMs: 5000,
      maxBytes: 1 << 20,
      maxRedirects: 3,
      retries: 0,
      backoffBaseMs: 10,
      gate: new HostGate(0, 4),
      originMap: new OriginMap(portal.originMap),
    });
  });
  afterAll(async () => {
    await portal?.close();
  });

  it.each(DEMO_SITES.map((s) => [s.name, s] as const))(
    'walks %s home page → 政府信息公开 → 年报 column',
    async (_name, site) => {
      // Act
      const found = await discoverListing(fetcher, `${site.origin}/`);
      // Assess: the registry's own listing URL, and an entry skeleton pointing at it.
      expect(found.listingUrl).toBe(site.origin + site.listingPath);
      expect(found.entry).toMatchObject({ listingUrl: site.origin + site.listingPath, render: 'auto' });
      expect(found.columnTitle).toMatch(/年报|年度报告/);
    },
  );
});
