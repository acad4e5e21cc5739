import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { buildEvidencePackage, PACKAGE_PATHS, parseTarget } from '#shared/evidence/package-build.ts';
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
 * A bureau's listing on loopback whose content the test changes between crawls: the 2022 report
 * (dated 2023-01-20) is always listed; the 2023 report, whose page says 发布日期 2024-01-03, is listed
 * only once `state.show2023` is set.
 */
async function startBackdateSite(slug: string): Promise<Site & { body: Body; state: { show2023: boolean } }> {
  const listingPath = `/${slug}/ndbg/`;
  const info: SiteInfo = { org: ORG, code: CODE, family: 'trs', listingPath };
  const pages = new Map<string, { year: number; date: string }>([
    [`${listingPath}202401/t20240103_7001.html`, { year: 2023, date: '2024-01-03' }],
    [`${listingPath}202301/t20230120_6001.html`, { year: 2022, date: '2023-01-20' }],
  ]);
  const state = { show2023: false };
  const site = await startSite((req, res) => {
    const path = new URL(req.url ?? '/', 'http://portal.invalid').pathname;
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain', 200);
    if (path === listingPath) {
      const items = [...pages]
        .filter(([, p]) => p.year !== 2023 || state.show2023)
        .map(([href, p]) => ({ href, title: title(p.year), date: p.date }));
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
    const main = `<table class="xxgk_table" cellspacing="0">
<tr><td>索引号：</td><td>${CODE}-${slug}/${page.year + 1}-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>${ORG}</td><td>发布日期：</td><td>${page.date}</td></tr>
</table>
<div class="article"><h1 class="title">${esc(title(page.year))}</h1>
<div class="TRS_Editor">${templateArticle({ ...options(spec), published: page.date })}</div></div>`;
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

/**
 * date.backdated over the embedded runtime on an injected clock (noon in Beijing of each day):
 * - `late`: read completely on 5 January without the 2023 report, which appears on the 10th dated the 3rd;
 * - `there`: listed from the first read on the 5th (truly there when first looked at);
 * - `lag`: missing from a complete read on the 4th, one day after its page date (within the tolerance).
 */
describe('date.backdated', () => {
  let dir: string;
  let rt: Runtime;
  const sites: Record<'late' | 'there' | 'lag', Awaited<ReturnType<typeof startBackdateSite>>> = {} as never;
  let clock = new Date('2024-01-04T04:00:00Z');
  const alertIds = async (bodyId: string) =>
    (await rt.ctx.repo.getAlert(`date.backdated/${bodyId}/2023`)) ? [`date.backdated/${bodyId}/2023`] : [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-backdated-'));
    sites.late = await startBackdateSite('bdl');
    sites.there = await startBackdateSite('bdt');
    sites.lag = await startBackdateSite('bdg');
    sites.there.state.show2023 = true;
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: Object.values(sites)
        .map((s) => s.origin)
        .join(','),
    });
    rt = await startRuntime({ config, registry: Object.values(sites).map((s) => s.body), now: () => clock });
    // 4 January: `lag` read without 2023 (one day after its page date).
    await crawlOnce(rt, [sites.lag.body.id]);
    // 5 January: `late` read without 2023; `there` lists it; `lag` now lists it.
    clock = new Date('2024-01-05T04:00:00Z');
    sites.lag.state.show2023 = true;
    await crawlOnce(rt);
    // 10 January: `late` lists it at last.
    clock = new Date('2024-01-10T04:00:00Z');
    sites.late.state.show2023 = true;
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    for (const s of Object.values(sites)) await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accuses a report dated the 3rd that a complete read on the 5th did not list, with that read as evidence', async () => {
    const report = await rt.ctx.repo.getReport(sites.late.body.id, 2023);
    expect(report).toMatchObject({ publishedAt: '2024-01-03', firstSeen: '2024-01-10T04:00:00.000Z' });
    const alert = await rt.ctx.repo.getAlert(`date.backdated/${sites.late.body.id}/2023`);
    expect(alert?.finding.severity).toBe('error');
    expect(alert?.finding.message.zh).toBe(
      '报告发布日期为2024-01-03,但2024-01-05完整读取栏目列表时该报告尚未出现(首次发现于2024-01-10),发布日期早于实际上网日期',
    );
    const checkEvidence = alert?.finding.evidence.filter((e) => e.where === 'listing page read') ?? [];
    expect(checkEvidence.map((e) => e.quote)).toEqual([sites.late.body.listingUrl]);
    expect(checkEvidence[0]?.computation).toMatch(
      /^read 2024-01-05T04:00:00.000Z; HTTP 200; snapshot sha256 \w{64}; years listed 2022; no 2023 report listed$/,
    );
  });

  it('does not accuse a report that was listed when first looked at, nor one missing only within the tolerance', async () => {
    expect(await rt.ctx.repo.getReport(sites.there.body.id, 2023)).toMatchObject({
      publishedAt: '2024-01-03',
    });
    expect(await rt.ctx.repo.getReport(sites.lag.body.id, 2023)).toMatchObject({ publishedAt: '2024-01-03' });
    expect(await alertIds(sites.there.body.id)).toEqual([]);
    expect(await alertIds(sites.lag.body.id)).toEqual([]);
    expect(await alertIds(sites.late.body.id)).toHaveLength(1);
  });

  it("the finding's evidence package carries the complete read without the report", async () => {
    const pkg = await buildEvidencePackage(rt.ctx, parseTarget(`date.backdated/${sites.late.body.id}/2023`), {
      name: 'nianbao-watch',
      version: '0',
      userAgent: 'test',
    });
    const proof = JSON.parse(new TextDecoder().decode(unzipSync(pkg.bytes)[PACKAGE_PATHS.proof]));
    expect(proof.proving.map((p: { at: string; why: string }) => [p.at, p.why])).toEqual([
      [
        '2024-01-05T04:00:00.000Z',
        'complete read of the listing after the page date 2024-01-03 that did not list the 2023 report',
      ],
      ['2024-01-10T04:00:00.000Z', 'first check that listed the 2023 report'],
    ]);
  });
});
