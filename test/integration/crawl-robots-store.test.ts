import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FETCH_DEFAULTS, HttpFetcher } from '#shared/crawl/fetcher.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import { RobotsDeniedError } from '#shared/errors.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { type Site, sendPage, startSite } from '#test/support/site-server.ts';

/**
 * robots.txt kept in the table: a fresh process (a new Lambda container) obeys what an earlier one
 * fetched without asking the host again, until a day has passed. Real dynalite, a real HTTP server.
 */
describe('robots.txt cached in the table across processes', () => {
  let site: Site;
  let t: TestRuntime;
  const robotsAsked = () => site.requests.filter((r) => r.path === '/robots.txt').length;
  const pagesAsked = (path: string) => site.requests.filter((r) => r.path === path).length;

  beforeAll(async () => {
    site = await startSite((req, res) => {
      if (req.url === '/robots.txt')
        return sendPage(req, res, Buffer.from('User-agent: *\nDisallow: /private/\n'), 'text/plain');
      return sendPage(req, res, Buffer.from('<html><body>ok</body></html>'), 'text/html; charset=utf-8');
    });
    t = await startCrawlRuntime([]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  /** A fetcher as a fresh container builds it: its own memory, the shared table. */
  const container = (now: () => Date) =>
    new HttpFetcher({
      userAgent: 'nianbao-watch-test (+https://example.org)',
      timeoutMs: 5_000,
      ...FETCH_DEFAULTS,
      gate: new HostGate(0, 2),
      now,
      robotsStore: t.rt.ctx.repo,
      allowPrivateOrigins: [site.origin],
    });

  it('fetches robots.txt once, then later containers obey the stored rules until it is a day old', async () => {
    // Counts are taken from this test's start: the site is shared with the other test of this file.
    const asked0 = robotsAsked();
    const private0 = pagesAsked('/private/a.html');
    const day0 = new Date('2026-03-01T00:00:00Z');
    const first = container(() => day0);
    await first.fetch(`${site.origin}/xxgk/index.html`);
    expect(robotsAsked() - asked0).toBe(1);
    await first.close();

    const later = container(() => new Date(day0.getTime() + 6 * 3_600_000));
    await later.fetch(`${site.origin}/xxgk/index.html`);
    await expect(later.fetch(`${site.origin}/private/a.html`)).rejects.toBeInstanceOf(RobotsDeniedError);
    expect(robotsAsked() - asked0).toBe(1);
    expect(pagesAsked('/private/a.html') - private0).toBe(0);
    await later.close();

    const nextDay = container(() => new Date(day0.getTime() + 25 * 3_600_000));
    await nextDay.fetch(`${site.origin}/xxgk/index.html`);
    expect(robotsAsked() - asked0).toBe(2);
    await nextDay.close();

    const stored = await t.rt.ctx.repo.getRobots(site.origin);
    expect(stored).toMatchObject({ status: 200, fetchedAt: '2026-03-02T01:00:00.000Z' });
    expect(stored?.text).toContain('Disallow: /private/');
  });

  it('obeys robots.txt when the table fails, and reports the failure', async () => {
    // A deliberately broken store (no real stand-in fails on demand): reads and writes both throw.
    const failures: unknown[] = [];
    const broken = {
      getRobots: () => Promise.reject(new Error('table unavailable')),
      putRobots: () => Promise.reject(new Error('table unavailable')),
    };
    const fetcher = new HttpFetcher({
      userAgent: 'nianbao-watch-test (+https://example.org)',
      timeoutMs: 5_000,
      ...FETCH_DEFAULTS,
      gate: new HostGate(0, 2),
      robotsStore: broken,
      allowPrivateOrigins: [site.origin],
      onRobotsStoreError: (e) => failures.push(e),
    });
    const before = robotsAsked();
    await expect(fetcher.fetch(`${site.origin}/private/b.html`)).rejects.toBeInstanceOf(RobotsDeniedError);
    expect((await fetcher.fetch(`${site.origin}/ok.html`)).status).toBe(200);
    expect(robotsAsked()).toBe(before + 1);
    expect(failures.map((e) => String(e))).toEqual(['Error: table unavailable', 'Error: table unavailable']);
    await fetcher.close();
  });
});
