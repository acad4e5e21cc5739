import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { templateArticle } from '#test/fixtures/corpus/make/template-page.ts';
import { chrome, esc, listingPage, type SiteInfo } from '#test/support/cms-portal-pages.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';
import { CLEAN, options } from '#test/support/series-portal.ts';
import { type Site, sendPage, startSite } from '#test/support/site-server.ts';

const ORG = '靖远县财政局';
const CODE = '620421';
const title = (year: number) => `${ORG}${year}年政府信息公开工作年度报告`;

/**
 * The 2023 report is listed from the first read. Its info table first shows only 成文日期 2024-01-03; on the
 * 10th the CMS template adds the 发布日期 field (2024-01-05) beside it. No date on the page was changed: a
 * field the first copy lacked appeared (docs/evidence.md: "nor a date found in another place").
 */
async function startSiteWithCells() {
  const listingPath = '/dcf/ndbg/';
  const info: SiteInfo = { org: ORG, code: CODE, family: 'trs', listingPath };
  const href = `${listingPath}202401/t20240105_7001.html`;
  const state = { cells: '<td>成文日期：</td><td>2024-01-03</td>' };
  const site: Site = await startSite((req, res) => {
    const path = new URL(req.url ?? '/', 'http://portal.invalid').pathname;
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain', 200);
    if (path === listingPath)
      return sendPage(
        req,
        res,
        Buffer.from(listingPage(info, [{ href, title: title(2023), date: '2024-01-05' }]), 'utf8'),
        'text/html; charset=utf-8',
        200,
      );
    if (path !== href) return sendPage(req, res, Buffer.from('页面不存在'), 'text/html; charset=utf-8', 404);
    const spec = CLEAN.find((y) => y.year === 2023)!;
    const main = `<table class="xxgk_table" cellspacing="0">
<tr><td>索引号：</td><td>${CODE}-dcf/2024-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>${ORG}</td>${state.cells}</tr>
</table>
<div class="article"><h1 class="title">${esc(title(2023))}</h1>
<div class="TRS_Editor">${templateArticle({ ...options(spec) })}</div></div>`;
    sendPage(
      req,
      res,
      Buffer.from(chrome(info, { title: title(2023), main }), 'utf8'),
      'text/html; charset=utf-8',
      200,
    );
  });
  const body = Body.parse({
    id: `${CODE}-dcf`,
    name: ORG,
    level: 'department',
    divisionCode: CODE,
    parents: lookupDivision(CODE)?.parents ?? [],
    listingUrl: site.origin + listingPath,
    render: 'http',
  });
  return Object.assign(site, { body, state });
}

describe('date.changed when a date field is added, not changed', () => {
  let dir: string;
  let rt: Runtime;
  let clock = new Date('2024-01-05T04:00:00Z');
  let site: Awaited<ReturnType<typeof startSiteWithCells>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-review16-dcf-'));
    site = await startSiteWithCells();
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_REPORT_RECHECK_DAYS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: site.origin,
    });
    rt = await startRuntime({ config, registry: [site.body], now: () => clock });
    await crawlOnce(rt);
    clock = new Date('2024-01-10T04:00:00Z');
    site.state.cells = '<td>成文日期：</td><td>2024-01-03</td><td>发布日期：</td><td>2024-01-05</td>';
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    await site?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('no date.changed warning for a 发布日期 field that appeared beside an unchanged 成文日期', async () => {
    const report = await rt.ctx.repo.getReport(site.body.id, 2023);
    expect(report?.revisions).toBe(2);
    const changed = report?.findings.filter((f) => f.rule === 'date.changed') ?? [];
    expect(changed.map((f) => f.message.en)).toEqual([]);
    expect(await rt.ctx.repo.getAlert(`date.changed/${site.body.id}/2023`)).toBeUndefined();
  });
});
