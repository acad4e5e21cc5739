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
 * The 2023 report goes up (is listed) on 10 January; a complete read on the 5th did not list it. Its page
 * carries NO 发布日期: `dateCell` is what its info table shows instead (a 成文日期, the date the document was
 * written, which is legitimately earlier than publication), or nothing, leaving only the CMS's
 * creation date in the URL (t20240103).
 */
async function startWeakDateSite(slug: string, dateCell: string) {
  const listingPath = `/${slug}/ndbg/`;
  const info: SiteInfo = { org: ORG, code: CODE, family: 'trs', listingPath };
  const pages = new Map<string, { year: number; date: string }>([
    [`${listingPath}202401/t20240103_7001.html`, { year: 2023, date: '2024-01-03' }],
    [`${listingPath}202301/t20230120_6001.html`, { year: 2022, date: '2023-01-20' }],
  ]);
  const state = { show2023: false };
  const site: Site = await startSite((req, res) => {
    const path = new URL(req.url ?? '/', 'http://portal.invalid').pathname;
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain', 200);
    if (path === listingPath) {
      const items = [...pages]
        .filter(([, p]) => p.year !== 2023 || state.show2023)
        .map(([href, p]) => ({ href, title: title(p.year), date: p.year === 2023 ? '2024-01-10' : p.date }));
      return sendPage(
        req,
        res,
        Buffer.from(listingPage(info, items), 'utf8'),
        'text/html; charset=utf-8',
        200,
      );
    }
    const page = pages.get(path);
    if (!page) return sendPage(req, res, Buffer.from('页面不存在'), 'text/html; charset=utf-8', 404);
    const spec = CLEAN.find((y) => y.year === page.year)!;
    const cell = page.year === 2023 ? dateCell : `<td>发布日期：</td><td>${page.date}</td>`;
    const main = `<table class="xxgk_table" cellspacing="0">
<tr><td>索引号：</td><td>${CODE}-${slug}/${page.year + 1}-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>${ORG}</td>${cell}</tr>
</table>
<div class="article"><h1 class="title">${esc(title(page.year))}</h1>
<div class="TRS_Editor">${templateArticle({ ...options(spec), ...(page.year === 2023 ? {} : { published: page.date }) })}</div></div>`;
    sendPage(
      req,
      res,
      Buffer.from(chrome(info, { title: title(page.year), main }), 'utf8'),
      'text/html; charset=utf-8',
      200,
    );
  });
  const body = Body.parse({
    id: `${CODE}-${slug}`,
    name: ORG,
    level: 'department',
    divisionCode: CODE,
    parents: lookupDivision(CODE)?.parents ?? [],
    listingUrl: site.origin + listingPath,
    render: 'http',
  });
  return Object.assign(site, { body, state });
}

describe('date.backdated from a date that is not a 发布日期', () => {
  let dir: string;
  let rt: Runtime;
  let clock = new Date('2024-01-05T04:00:00Z');
  const sites: Record<'written' | 'urlOnly', Awaited<ReturnType<typeof startWeakDateSite>>> = {} as never;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-review16-weak-'));
    sites.written = await startWeakDateSite('cwr', '<td>成文日期：</td><td>2024-01-03</td>');
    sites.urlOnly = await startWeakDateSite('url', '');
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_REPORT_RECHECK_DAYS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: Object.values(sites)
        .map((s) => s.origin)
        .join(','),
    });
    rt = await startRuntime({ config, registry: Object.values(sites).map((s) => s.body), now: () => clock });
    await crawlOnce(rt);
    clock = new Date('2024-01-10T04:00:00Z');
    for (const s of Object.values(sites)) s.state.show2023 = true;
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    for (const s of Object.values(sites)) await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const k of ['written', 'urlOnly'] as const)
    it(`${k}: no back-dating error alerted from a date that is not the page's 发布日期`, async () => {
      const report = await rt.ctx.repo.getReport(sites[k].body.id, 2023);
      expect(report, 'report stored').toBeDefined();
      const bd = report?.findings.find((f) => f.rule === 'date.backdated');
      expect({
        source: report?.publishedAtSource,
        publishedAt: report?.publishedAt,
        backdated: bd?.severity ?? null,
        evidence: bd?.evidence[0],
      }).toMatchObject({ backdated: null });
      expect(await rt.ctx.repo.getAlert(`date.backdated/${sites[k].body.id}/2023`)).toBeUndefined();
    });
});
