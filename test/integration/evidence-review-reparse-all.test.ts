import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { reparseArchive } from '#shared/stages/reparse-stage.ts';
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
 * only once `state.show2023` is set. `state.date2023` changes the 2023 page's date (a real edit of
 * 发布日期); `state.note` adds a line after the article (a new copy, same date).
 */
async function startBackdateSite(
  slug: string,
): Promise<Site & { body: Body; state: { show2023: boolean; date2023: string; note: string } }> {
  const listingPath = `/${slug}/ndbg/`;
  const info: SiteInfo = { org: ORG, code: CODE, family: 'trs', listingPath };
  const pages = new Map<string, { year: number; date: string }>([
    [`${listingPath}202401/t20240103_7001.html`, { year: 2023, date: '2024-01-03' }],
    [`${listingPath}202301/t20230120_6001.html`, { year: 2022, date: '2023-01-20' }],
  ]);
  const state = { show2023: false, date2023: '2024-01-03', note: '' };
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
    const listed = pages.get(path);
    const page = listed?.year === 2023 ? { ...listed, date: state.date2023 } : listed;
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
      Buffer.from(
        chrome(info, {
          title: title(page.year),
          main: `${main}${state.note}`,
        }),
        'utf8',
      ),
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
 * - `lag`: missing from a complete read on the 4th, one day after its page date (within the tolerance);
 * - `redated`: listed from the 5th, its page date changed from the 3rd to the 8th on the 10th (date.changed);
 * - `there` also gets a new copy on the 10th whose date is unchanged (a corrected line): no date.changed.
 * Report pages are re-checked every crawl (NIANBAO_REPORT_RECHECK_DAYS 0).
 */
describe('adv16b: date.backdated / date.changed under reparse --all', () => {
  let dir: string;
  let rt: Runtime;
  const sites: Record<
    'late' | 'there' | 'lag' | 'redated',
    Awaited<ReturnType<typeof startBackdateSite>>
  > = {} as never;
  let clock = new Date('2024-01-04T04:00:00Z');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-backdated-'));
    sites.late = await startBackdateSite('bdl');
    sites.there = await startBackdateSite('bdt');
    sites.lag = await startBackdateSite('bdg');
    sites.redated = await startBackdateSite('bdc');
    sites.there.state.show2023 = true;
    sites.redated.state.show2023 = true;
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_REPORT_RECHECK_DAYS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: Object.values(sites)
        .map((s) => s.origin)
        .join(','),
    });
    rt = await startRuntime({ config, registry: Object.values(sites).map((s) => s.body), now: () => clock });
    // 4 January: `lag` read without 2023 (one day after its page date).
    await crawlOnce(rt, [sites.lag.body.id]);
    // 5 January: `late` read without 2023; `there` and `redated` list it; `lag` now lists it.
    clock = new Date('2024-01-05T04:00:00Z');
    sites.lag.state.show2023 = true;
    await crawlOnce(rt);
    // 10 January: `late` lists it at last.
    clock = new Date('2024-01-10T04:00:00Z');
    sites.late.state.show2023 = true;
    sites.redated.state.date2023 = '2024-01-08';
    sites.there.state.note = '<p>(本页于2024年1月10日更正了联系电话)</p>';
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    for (const s of Object.values(sites)) await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reparse --all (every body, every revision) twice changes nothing: same findings, same page date, no new alert', async () => {
    const snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(sites)) {
        const r = await rt.ctx.repo.getReport(s.body.id, 2023);
        out[k] = {
          publishedAt: r?.publishedAt,
          firstSeen: r?.firstSeen,
          revisions: r?.revisions,
          sha256: r?.sha256,
          findings: (r?.findings ?? []).map((f) => `${f.rule}:${f.severity}`).sort(),
          backdatedAlert: !!(await rt.ctx.repo.getAlert(`date.backdated/${s.body.id}/2023`)),
          changedAlert: !!(await rt.ctx.repo.getAlert(`date.changed/${s.body.id}/2023`)),
        };
      }
      return out;
    };
    const before = await snapshot();
    // Before: redated 2 revisions, current copy = the 10 January one; there 2 revisions. After one reparse of
    // every archived page (what `nianbao reparse --all` does): redated 3 revisions and its current copy is the
    // 5 January one again (the archive lists keys in sha256 order, not time order); there 4. Twice: 5 and 6.
    const first = await reparseArchive(rt.ctx);
    expect(await snapshot()).toEqual(before);
    const second = await reparseArchive(rt.ctx);
    expect(await snapshot()).toEqual(before);
    const said = [...first, ...second].flatMap((c) =>
      c.changed.map((x) => `${c.bodyId} ${c.rawKey.slice(-12)}: ${x}`),
    );
    expect(said).toEqual([]);
  });
});
