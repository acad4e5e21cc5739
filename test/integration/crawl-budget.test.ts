import { afterEach, describe, expect, it } from 'vitest';
import type { CrawlOutcome } from '#shared/crawl/crawl-body.ts';
import type { CrawlMessage } from '#shared/queue/queue.ts';
import { listChecks } from '#shared/store/crawl-state.ts';
import { listLinks } from '#shared/store/link-batch.ts';
import { type CmsPortal, startCmsPortal } from '#test/support/cms-portal.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';

/**
 * The crawl's time budget on the TRS site (3 listing pages, 7 report pages). A budget of 0 is a deadline
 * already past when the crawl starts: each invocation makes its one guaranteed fetch and hands the rest
 * on, so the test steps through every continuation without reading a wall clock. Only the crawl stage
 * consumes its queue, so no parse changes what is due between invocations.
 */
describe('a crawl cut short by its time budget', () => {
  let portal: CmsPortal | undefined;
  let t: TestRuntime | undefined;
  afterEach(async () => {
    await t?.close();
    await portal?.close();
  });

  async function crawlTrs(env: Record<string, string>) {
    portal = await startCmsPortal(['trs']);
    const site = portal.sites.trs;
    const body = { ...site.bodies[0]!, render: 'http' as const };
    t = await startCrawlRuntime([body], { NIANBAO_TODAY: '2025-06-01', ...env }, undefined, ['crawl']);
    const sent: CrawlMessage[] = [];
    const queue = t.rt.queues.crawl;
    const send = queue.send.bind(queue);
    queue.send = (m, o) => {
      sent.push(m);
      return send(m, o);
    };
    await crawlOnce(t.rt);
    const requests = site.log.filter((r) => !r.path.startsWith('/robots.txt')).map((r) => r.path);
    return { body, site, sent, outcomes: t.rt.events.crawls as CrawlOutcome[], requests, rt: t.rt };
  }

  it('stops before the next listing page or candidate link, saves where it stands and resumes from its next message', async () => {
    const { body, sent, outcomes, requests, rt } = await crawlTrs({ NIANBAO_CRAWL_BUDGET_MS: '0' });

    // Assess: 3 listing pages and 7 report pages, one per invocation, each asked once (no page re-read).
    expect(outcomes.map((o) => [o.listingPages, o.newReports, o.status])).toEqual([
      [1, 0, 'partial'],
      [1, 0, 'partial'],
      [1, 0, 'partial'],
      ...Array(6).fill([0, 1, 'partial']),
      [0, 1, 'ok'],
    ]);
    expect(outcomes[0]?.continuation).toBe(
      'time budget spent: 2 listing page(s), 3 candidate link(s) and 0 re-check(s) left for the next invocation',
    );
    expect(outcomes[2]?.continuation).toBe(
      'time budget spent: 0 listing page(s), 7 candidate link(s) and 0 re-check(s) left for the next invocation',
    );
    expect(sent.map((m) => m.continuation)).toEqual([undefined, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sent[1]?.reason).toMatch(/^continuation: time budget spent: 2 listing page/);
    expect(new Set(requests).size).toBe(requests.length);
    expect(requests).toHaveLength(10);

    // Each cut-short check is recorded as partial, naming why; the last one proves what a full walk proves.
    const checks = (await listChecks(rt.ctx.repo, body.id)).reverse();
    expect(checks.map((c) => c.outcome)).toEqual([...Array(9).fill('partial'), 'read']);
    expect(checks[0]?.unread.at(-1)).toMatch(/^time budget spent/);
    const state = await rt.ctx.repo.getBodyState(body.id);
    expect(state.lastCheck?.complete).toBe(true);
    expect(state.lastCheck?.pages).toHaveLength(3);
    const links = [...(await listLinks(rt.ctx.repo, body.id)).values()];
    expect(links.map((l) => l.state)).toEqual(Array(7).fill('queued'));
    expect(rt.queues.crawl.deadLetters).toEqual([]);
  });

  it('reads the whole listing and every candidate in one invocation when the budget allows', async () => {
    const { body, sent, outcomes, requests, rt } = await crawlTrs({});

    expect(outcomes.map((o) => [o.listingPages, o.newReports, o.status, o.continuation])).toEqual([
      [3, 7, 'ok', undefined],
    ]);
    expect(sent).toHaveLength(1);
    expect(requests).toHaveLength(10);
    expect((await listChecks(rt.ctx.repo, body.id)).map((c) => c.outcome)).toEqual(['read']);
  });
});
