import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { templateArticle } from '#test/fixtures/corpus/make/template-page.ts';
import { chrome, esc, listingPage, type SiteInfo } from '#test/support/cms-portal-pages.ts';
import { CLEAN, options } from '#test/support/series-portal.ts';
import { type Site, sendPage, startSite } from '#test/support/site-server.ts';

const ORG = '靖远县财政局';
const CODE = '620421';
const title = (year: number) => `${ORG}${year}年政府信息公开工作年度报告`;

/**
 * A bureau's listing on loopback whose content the test changes between crawls: the 2022 report
 * (dated 2023-01-20) is always listed; the 2023 report, whose page says 发布日期 2024-01-03, is listed
 * only once `state.show2023` is set. `state.date2023` changes the 2023 page's date (a real edit of
 * 发布日期); `state.note` adds a line after the article (a new copy, same date). `state.cells2023`, when
 * set, replaces the 2023 page's 发布日期 cells in its info table (e.g. only a 成文日期, or nothing) and drops
 * the date from its article; `state.listDate2023` is the date the listing shows beside it (default its date).
 */
export interface BackdateSiteState {
  show2023: boolean;
  date2023: string;
  note: string;
  cells2023?: string;
  listDate2023?: string;
}

export async function startBackdateSite(
  slug: string,
): Promise<Site & { body: Body; state: BackdateSiteState }> {
  const listingPath = `/${slug}/ndbg/`;
  const info: SiteInfo = { org: ORG, code: CODE, family: 'trs', listingPath };
  const pages = new Map<string, { year: number; date: string }>([
    [`${listingPath}202401/t20240103_7001.html`, { year: 2023, date: '2024-01-03' }],
    [`${listingPath}202301/t20230120_6001.html`, { year: 2022, date: '2023-01-20' }],
  ]);
  const state: BackdateSiteState = { show2023: false, date2023: '2024-01-03', note: '' };
  const site = await startSite((req, res) => {
    const path = new URL(req.url ?? '/', 'http://portal.invalid').pathname;
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain', 200);
    if (path === listingPath) {
      const items = [...pages]
        .filter(([, p]) => p.year !== 2023 || state.show2023)
        .map(([href, p]) => ({
          href,
          title: title(p.year),
          date: p.year === 2023 ? (state.listDate2023 ?? state.date2023) : p.date,
        }));
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
    const cells = page.year === 2023 ? state.cells2023 : undefined;
    const main = `<table class="xxgk_table" cellspacing="0">
<tr><td>索引号：</td><td>${CODE}-${slug}/${page.year + 1}-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>${ORG}</td>${cells ?? `<td>发布日期：</td><td>${page.date}</td>`}</tr>
</table>
<div class="article"><h1 class="title">${esc(title(page.year))}</h1>
<div class="TRS_Editor">${templateArticle({ ...options(spec), ...(cells === undefined ? { published: page.date } : {}) })}</div></div>`;
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
