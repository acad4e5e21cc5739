import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { Body } from '#shared/domain/body.ts';
import {
  archivedReportObjects,
  crawlOnce,
  startCrawlRuntime,
  type TestRuntime,
} from '#test/support/crawl-runtime.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

const REPORT = '/xxgk/ndbg/201802/t20180210_2436578.html';
/** Different on every load, invisible to a reader: a nonce attribute and a hidden token, set by script. */
const NOISE =
  "<script>document.body.setAttribute('data-nonce',String(Math.random()));var i=document.createElement('input');i.type='hidden';i.value=String(Date.now()+Math.random());document.body.appendChild(i);</script></body>";

/**
 * A body the registry marks `render: browser`: its report page is re-read in Chromium at each re-check.
 * The DOM differs each time; only a change a reader can see is a revision. Real Chromium, real server.
 */
describe('re-checking a browser-rendered report page', () => {
  let site: Site;
  let t: TestRuntime;
  let edited = false;
  const bodyId = '110199';

  beforeAll(async () => {
    site = await startSite((req, res) => {
      const html = (s: string) => sendPage(req, res, Buffer.from(s), 'text/html; charset=utf-8');
      if (req.url === '/robots.txt') return sendPage(req, res, Buffer.from('User-agent: *\n'), 'text/plain');
      if (req.url === REPORT) {
        const page = detailPageHtml('000').replace('</body>', NOISE);
        return html(edited ? page.replace('11064', '11046') : page);
      }
      return html(listingPageHtml('年报', [{ href: REPORT, title: '吉州区2017年政府信息公开工作年度报告' }]));
    });
    const body = Body.parse({
      id: bodyId,
      name: '测试渲染县人民政府',
      level: 'county',
      divisionCode: '110101',
      listingUrl: `${site.origin}/xxgk/ndbg/index.html`,
      render: 'browser',
    });
    t = await startCrawlRuntime([body], { NIANBAO_REPORT_RECHECK_DAYS: '0' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  // One scenario, one test: the revision it ends with needs the crawls before it (no test depends on another).
  it('records no revision while only the DOM noise changes, and one when the text a reader sees changes', async () => {
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    const reportLoads = site.requests.filter((r) => r.path === REPORT);
    expect(reportLoads.length).toBeGreaterThanOrEqual(3); // first read and two re-checks, all in the browser
    expect(await t.rt.ctx.repo.listRevisions(bodyId, 2017)).toHaveLength(1);
    expect(await archivedReportObjects(t.rt, bodyId)).toHaveLength(1);
    expect(t.rt.events.crawls.map((c) => c.revised)).toEqual([0, 0, 0]);
    // Act: a change a reader can see.
    edited = true;
    await crawlOnce(t.rt);
    expect(t.rt.events.crawls.at(-1)).toMatchObject({ rechecked: 1, revised: 1 });
    expect(await t.rt.ctx.repo.listRevisions(bodyId, 2017)).toHaveLength(2);
    expect(await archivedReportObjects(t.rt, bodyId)).toHaveLength(2);
  });
});
