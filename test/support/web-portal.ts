import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { type TemplateOptions, templateArticle } from '#test/fixtures/corpus/make/template-page.ts';
import { chrome, esc, listingPage, type SiteInfo } from './cms-portal-pages.ts';
import { type Site, sendPage, startSite } from './site-server.ts';

/**
 * A county bureau's two reports (2022, 2023) on a TRS-style loopback site, for the dashboard's tests: the
 * figures move between the years (year-over-year view), and the 2023 report's text carries markup a
 * hostile or hijacked page might (`<script>`, `<img onerror>`, a `javascript:` link text) as text a
 * reader sees, escaped in the page as the CMS printed it.
 */
export interface WebPortal extends Site {
  body: Body;
}

export const HOSTILE_TEXT =
  '<script>window.__pwned=1;alert("xss")</script><img src=x onerror="window.__pwned=2;alert(2)"> 附注见 javascript:alert(3)';

const ORG = '唐河县教育局';
const CODE = '411328';
const SLUG = 'jyj';

/** The two years: 主动公开 300 → 420, 新收申请 4 → 9 (natural persons), the same carry-over. */
export const YEARS: Array<TemplateOptions & { slug: string }> = [
  {
    slug: 't20230120_4001',
    issuer: ORG,
    year: 2022,
    template: '2021',
    layout: 'html',
    published: '2023-01-20',
    active: 300,
    newApps: [4, 0, 0, 0, 0, 0],
    open: [3, 0, 0, 0, 0, 0],
    partial: [0, 0, 0, 0, 0, 0],
    carriedIn: [0, 0, 0, 0, 0, 0],
    carriedOut: [1, 0, 0, 0, 0, 0],
    overview: '本局把教育经费和招生政策作为公开重点,按学期公开各校收费项目和标准。',
    problems: '个别学校公示更新不及时。下一步将按月检查各校公示栏。',
  },
  {
    slug: 't20240118_4002',
    issuer: ORG,
    year: 2023,
    template: '2021',
    layout: 'html',
    published: '2024-01-18',
    active: 420,
    newApps: [9, 0, 0, 0, 0, 0],
    open: [10, 0, 0, 0, 0, 0],
    partial: [0, 0, 0, 0, 0, 0],
    carriedIn: [1, 0, 0, 0, 0, 0],
    carriedOut: [0, 0, 0, 0, 0, 0],
    overview: '这一年重点公开了义务教育阶段学校划片范围和课后服务收费情况,逐校说明服务内容。',
    problems: '课后服务收费公示口径不一。将统一公示模板。',
    other: esc(HOSTILE_TEXT),
  },
];

const title = (year: number): string => `${ORG}${year}年政府信息公开工作年度报告`;

/** Serves the two reports, listed newest first, for body `411328-jyj` watched from 2022. */
export async function startWebPortal(): Promise<WebPortal> {
  const listingPath = `/${SLUG}/ndbg/`;
  const info: SiteInfo = { org: ORG, code: CODE, family: 'trs', listingPath };
  const routes = new Map<string, string>([['/robots.txt', 'User-agent: *\nAllow: /\n']]);
  const newestFirst = [...YEARS].sort((a, b) => b.year - a.year);
  const href = (y: (typeof YEARS)[number]) => `${listingPath}${y.year + 1}01/${y.slug}.html`;
  routes.set(
    listingPath,
    listingPage(
      info,
      newestFirst.map((y) => ({ href: href(y), title: title(y.year), date: y.published ?? '' })),
    ),
  );
  for (const y of newestFirst) {
    const main = `<table class="xxgk_table" cellspacing="0">
<tr><td>索引号：</td><td>${CODE}-${SLUG}/${y.year + 1}-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>${ORG}</td><td>发布日期：</td><td>${y.published}</td></tr>
<tr><td>标题：</td><td colspan="3">${esc(title(y.year))}</td></tr>
</table>
<div class="article"><h1 class="title">${esc(title(y.year))}</h1>
<div class="TRS_Editor">${templateArticle(y)}</div></div>`;
    routes.set(href(y), chrome(info, { title: title(y.year), main }));
  }
  const site = await startSite((req, res) => {
    const path = new URL(req.url ?? '/', 'http://portal.invalid').pathname;
    const page = routes.get(path);
    if (page === undefined)
      return sendPage(req, res, Buffer.from('页面不存在'), 'text/html; charset=utf-8', 404);
    sendPage(
      req,
      res,
      Buffer.from(page, 'utf8'),
      path.endsWith('.txt') ? 'text/plain' : 'text/html; charset=utf-8',
      200,
    );
  });
  const body = Body.parse({
    id: `${CODE}-${SLUG}`,
    name: ORG,
    level: 'department',
    divisionCode: CODE,
    parents: lookupDivision(CODE)?.parents ?? [],
    listingUrl: site.origin + listingPath,
    render: 'http',
    watchFrom: 2022,
  });
  return Object.assign(site, { body });
}
