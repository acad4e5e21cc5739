import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Body } from '#shared/domain/body.ts';
import { runSweep, type SweepOutcome } from '#shared/stages/sweep-stage.ts';
import { listLinks } from '#shared/store/link-batch.ts';
import { type CmsPortal, type CmsSiteName, startCmsPortal } from '#test/support/cms-portal.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { readMailbox } from '#test/support/mailbox.ts';

/** Layouts and faults a plain-HTTP crawl must read completely (the script-only ones are in the browser test). */
const LAYOUTS: CmsSiteName[] = [
  'iframe',
  'trs',
  'trs6',
  'hanweb',
  'hanweb-annual',
  'select',
  'onclick',
  'unresolved',
  'base-href',
  'attach-query',
  'attach-disposition',
  'attach-gbk',
  'dead-first',
  'dead-attachment',
  'shared',
  'nested',
  'gzip',
];
const WATCHER = 'watcher@example.org';

/** Every year the site holds is a year in question: watched from the oldest one. */
function watched(portal: CmsPortal, name: CmsSiteName): Body[] {
  const site = portal.sites[name];
  const oldest = Math.min(...site.expectedYears, ...site.unreachableYears);
  return site.bodies.map((b) => ({ ...b, watchFrom: oldest }));
}

describe('crawler on listings as Chinese government CMSs build them (plain HTTP)', () => {
  let portal: CmsPortal;
  let t: TestRuntime;
  let sweep: SweepOutcome;
  const years = async (id: string) => (await t.rt.ctx.repo.listReports(id)).map((r) => r.year).sort();
  const rows = (id: string) => sweep.rows.filter((r) => r.bodyId === id);

  beforeAll(async () => {
    // Prepare: one loopback site per layout, every year it holds in question (today 2026-04-02: the 2025
    // reports were due on 2026-03-31), a subscriber to everything.
    portal = await startCmsPortal(LAYOUTS);
    const bodies = LAYOUTS.flatMap((n) => watched(portal, n)).map((b) => ({ ...b, render: 'http' as const }));
    t = await startCrawlRuntime(bodies, { NIANBAO_TODAY: '2026-04-02' });
    await t.rt.ctx.subscribers.subscribe(WATCHER, ['*'], { confirmed: true }, new Date().toISOString());
    // Act: one crawl of every body, then the deadline sweep and its mail.
    await crawlOnce(t.rt);
    sweep = await runSweep(t.rt.ctx);
    await t.rt.settle();
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it.each(LAYOUTS)('%s: archives every listed report once and accuses no listed year', async (name) => {
    const site = portal.sites[name];
    for (const body of site.bodies) {
      const online = site.expectedYears.filter((y) => !site.unreachableYears.includes(y));
      expect(await years(body.id), `${name}: ${body.id}`).toEqual(online.sort());
      for (const r of await t.rt.ctx.repo.listReports(body.id)) expect(r.revisions).toBe(1);
      const accused = rows(body.id)
        .filter((r) => r.status === 'missing')
        .map((r) => r.year);
      for (const y of [...site.expectedYears, ...site.unreachableYears]) expect(accused).not.toContain(y);
      for (const y of site.unreachableYears)
        expect(rows(body.id).find((r) => r.year === y)?.status, `${name} ${y}`).toBe('inconclusive');
    }
  });

  it('fetches each report page once, however many pages of the listing link it', () => {
    for (const name of LAYOUTS) {
      const site = portal.sites[name];
      for (const [year, path] of site.reports) {
        if (site.unreachableYears.includes(year)) continue;
        const hits = site.log.filter((r) => r.path === path).length;
        // Two bodies listing one page (`shared`) fetch it once each: it is a candidate for both.
        expect(hits, `${name} ${path}`).toBe(site.bodies.length);
      }
    }
  });

  it('records a dead link against the link, keeps the body healthy, and calls its year inconclusive', async () => {
    const body = portal.sites['dead-first'].bodies[0]!;
    const state = await t.rt.ctx.repo.getBodyState(body.id);
    expect([state.consecutiveFailures, state.failingLinks, state.lastErrorClass]).toEqual([0, 1, undefined]);
    const dead = [...(await listLinks(t.rt.ctx.repo, body.id)).values()].filter((l) => l.state === 'dead');
    expect(dead.map((l) => [l.year, l.lastStatus, l.attempts])).toEqual([[2024, 404, 1]]);
    expect(dead[0]?.nextAttemptAt).toBeDefined();
    const inconclusive = await t.rt.ctx.repo.getAlert(`listing.inconclusive/${body.id}/2024`);
    expect(inconclusive).toMatchObject({ audience: 'admins' });
  });

  it('does not take a footer link for an attachment, and notes a dead attachment without failing the page', async () => {
    const site = portal.sites['dead-attachment'];
    const body = site.bodies[0]!;
    expect(site.log.some((r) => r.path === '/uploadfiles/wzsyzn.pdf')).toBe(false);
    const [link] = [...(await listLinks(t.rt.ctx.repo, body.id)).values()].filter((l) => l.year === 2023);
    expect(link?.state).toBe('parsed');
    expect(link?.attachmentErrors?.map((e) => e.error)).toEqual([expect.stringMatching(/HTTP 404/)]);
  });

  it('leaves a listing that needs unresolvable script pagination inconclusive, tells the admins why, and mails no subscriber', async () => {
    const body = portal.sites.unresolved.bodies[0]!;
    const row = rows(body.id).find((r) => r.year === 2021);
    expect(row?.status).toBe('inconclusive');
    expect(row?.reasons?.join(' ')).toMatch(/not read/);
    const mails = await readMailbox(t.rt.mailDir!);
    expect(mails.filter((m) => m.alertId.includes(`/${body.id}/`) && m.to.includes(WATCHER))).toEqual(
      mails.filter(
        (m) =>
          m.alertId.includes(`/${body.id}/`) && m.to.includes(WATCHER) && !m.alertId.startsWith('listing.'),
      ),
    );
    const admin = mails.filter((m) => m.alertId === `listing.inconclusive/${body.id}/2021`);
    expect(admin.map((m) => m.to)).toEqual([t.rt.ctx.adminEmail]);
    expect(admin[0]?.text).toMatch(/not read/);
  });

  it('mails deadline.missing with its proof: every listing page read, when, and its snapshot hash', async () => {
    // trs holds 2018–2024: 2025 is really absent, and the listing was read to its last page.
    const body = portal.sites.trs.bodies[0]!;
    const mail = (await readMailbox(t.rt.mailDir!)).find(
      (m) => m.alertId === `deadline.missing/${body.id}/2025` && m.to.includes(WATCHER),
    );
    expect(mail).toBeDefined();
    const state = await t.rt.ctx.repo.getBodyState(body.id);
    const pages = state.lastCheck?.pages ?? [];
    expect(pages.map((p) => new URL(p.url).pathname)).toEqual(
      ['/xxgk/zfxxgknb/index.html', '/xxgk/zfxxgknb/index_1.html', '/xxgk/zfxxgknb/index_2.html'].map((p) =>
        expect.stringContaining(p.split('/').pop()!),
      ),
    );
    for (const p of pages) {
      expect(mail?.text).toContain(p.url);
      expect(mail?.text).toContain(`snapshot sha256 ${p.sha256}`);
    }
    expect(mail?.text).toMatch(/listing read to its last page/);
  });
});
