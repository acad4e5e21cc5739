import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { Body } from '#shared/domain/body.ts';
import { listLinks } from '#shared/store/link-batch.ts';
import {
  archivedReportObjects,
  crawlOnce,
  startCrawlRuntime,
  type TestRuntime,
} from '#test/support/crawl-runtime.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

const REPORT = '/xxgk/ndbg/201802/t20180210_2436578.html';

/** Server-side chrome that differs at every load: a visit counter, today's date and a form token. */
function chrome(n: number): string {
  const day = 5 + n;
  return `<div class="top">今天是2026年1月${day}日 星期${'一二三四五六日'[n % 7]} 浏览次数：${1000 + n * 37} 您是第${n * 91}位访客<form><input type="hidden" name="token" value="t${n}x${n * 7919}"></form></div>`;
}

/**
 * A plain-HTTP report page whose bytes change at every load (no ETag, no Last-Modified, as many CMS pages
 * with a counter): only a change of the text a reader sees is a revision. Real server, real stores.
 */
describe('re-checking a plain-HTTP report page with a visit counter', () => {
  let site: Site;
  let t: TestRuntime;
  let edited = false;
  let loads = 0;
  const bodyId = '110198';

  beforeAll(async () => {
    site = await startSite((req, res) => {
      if (req.url === '/robots.txt') return sendPage(req, res, Buffer.from('User-agent: *\n'), 'text/plain');
      if (req.url === REPORT) {
        loads += 1;
        let page = detailPageHtml('000').replace('<body>', `<body>${chrome(loads)}`);
        if (edited) page = page.replace('11064', '11046');
        return sendUnvalidated(res, page);
      }
      return sendPage(
        req,
        res,
        Buffer.from(
          listingPageHtml('年报', [{ href: REPORT, title: '吉州区2017年政府信息公开工作年度报告' }]),
        ),
        'text/html; charset=utf-8',
      );
    });
    const body = Body.parse({
      id: bodyId,
      name: '测试计数器县人民政府',
      level: 'county',
      divisionCode: '110101',
      listingUrl: `${site.origin}/xxgk/ndbg/index.html`,
    });
    t = await startCrawlRuntime([body], { NIANBAO_REPORT_RECHECK_DAYS: '0' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  // One scenario, one test: the revision it ends with needs the crawls before it.
  it('records no revision while only the counter, date and token change, and one when the report text changes', async () => {
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    // First read and two re-checks, each with different bytes.
    expect(site.requests.filter((r) => r.path === REPORT)).toHaveLength(3);
    expect(await t.rt.ctx.repo.listRevisions(bodyId, 2017)).toHaveLength(1);
    expect(await archivedReportObjects(t.rt, bodyId)).toHaveLength(1);
    // The first re-check read the archived copy's text once and kept its hash on the link.
    const links = await listLinks(t.rt.ctx.repo, bodyId);
    expect(links.get(site.origin + REPORT)?.lastTextHash).toMatch(/^[0-9a-f]{64}$/);

    edited = true;
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    const revisions = await t.rt.ctx.repo.listRevisions(bodyId, 2017);
    expect(revisions).toHaveLength(2);
    expect(await archivedReportObjects(t.rt, bodyId)).toHaveLength(2);
  });
});

/** 200 with no validators: every re-check downloads the page again. */
function sendUnvalidated(res: ServerResponse, html: string): void {
  const bytes = Buffer.from(html, 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': bytes.byteLength });
  res.end(bytes);
}
