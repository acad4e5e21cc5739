import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { type TemplateOptions, templateArticle } from '#test/fixtures/corpus/make/template-page.ts';
import { chrome, esc, listingPage, type SiteInfo } from './cms-portal-pages.ts';
import { type Site, sendPage, startSite } from './site-server.ts';

/**
 * One body's series of annual reports on a TRS-style loopback site (chrome, meta block and listing as
 * cms-portal-pages.ts builds them), listed newest first as portals list them, each a 2021-template report
 * with its tables in HTML (test/fixtures/corpus/make/template-page.ts). Years are parameters, so a series
 * can break the carry-over between two years, jump a figure tenfold, or repeat last year's prose.
 */

/** One year of the series: the figures of its tables and which prose it is written in. */
export interface SeriesYear {
  year: number;
  active: number;
  newApps: number[];
  open: number[];
  carriedIn: number[];
  carriedOut: number[];
  /** Which of the prose sets (PROSE) its sections are written in: two years on one set are near copies. */
  prose: number;
}

export interface SeriesPortal extends Site {
  body: Body;
  /** Each year's detail page path. */
  reports: Map<number, string>;
}

const ORG = '靖远县财政局';
const CODE = '620421';

/**
 * Prose a bureau writes in 一、总体情况 and 五、存在的主要问题及改进情况, one set per year. Sets share no
 * sentence, so two years on different sets are not copies whatever the template's boilerplate shares.
 */
const PROSE: Array<{ overview: string; problems: string; other: string }> = [
  {
    overview:
      '本局把预算公开作为政务公开的重点,部门预算和决算在批复后二十日内向社会公开,同步公开三公经费和项目支出绩效目标。围绕减税降费、惠民惠农财政补贴资金一卡通发放等群众关心的事项,编印明白纸、开设专栏,逐项说明政策依据、补贴标准和发放对象。',
    problems:
      '一是部分乡镇对补贴资金公示的时效把握不准,公示期满后才上传网站;二是政策解读以文字为主,群众看得懂、用得上的图解材料偏少。下一步,本局将建立补贴资金公开台账,按月督查乡镇公示情况,并邀请基层财政所参与解读材料的编写。',
    other: '本年度未收取信息处理费。无其他需要报告的事项。',
  },
  {
    overview:
      '这一年,财政局以债务信息公开为突破口,按季度发布地方政府专项债券的发行额度、期限利率和资金投向,逐个项目说明建设进度和还本付息安排。同时梳理涉企收费目录清单,在门户网站集中展示,接受企业和商会监督,收到企业留言后由专人跟踪办理。',
    problems:
      '存在的问题主要是债券项目信息由多个主管部门分别报送,口径不一,个别项目进度更新滞后一个季度以上。改进措施:与发改、住建等部门建立项目信息会商机制,统一填报模板,每季度末由分管领导审核签发后集中公开。',
    other: '全年没有向申请人收取信息处理费,也没有其他需要报告的事项。',
  },
  {
    overview:
      '本年度着力推进政府采购意向公开,全县预算单位在采购活动开始前三十日发布采购意向,采购文件、中标结果和合同文本全部挂网。国库集中支付改革后,单位零余额账户的开立和撤销情况也纳入主动公开目录,便于审计和社会各方查询核对。',
    problems:
      '主要不足:采购意向发布存在集中在年底突击上传的现象,部分合同文本遮盖了不应遮盖的价格条款。整改办法是把采购意向公开纳入预算执行考核,对合同公开实行抽查通报,全年抽查不少于六十份,发现问题当月督促更正。',
    other: '依照《政府信息公开信息处理费管理办法》,本机关全年未收取信息处理费。',
  },
];

export const options = (y: SeriesYear): TemplateOptions => {
  const prose = PROSE[y.prose % PROSE.length] ?? PROSE[0];
  return {
    issuer: ORG,
    year: y.year,
    template: '2021',
    layout: 'html',
    published: `${y.year + 1}-01-20`,
    active: y.active,
    newApps: y.newApps,
    open: y.open,
    partial: [0, 0, 0, 0, 0, 0],
    carriedIn: y.carriedIn,
    carriedOut: y.carriedOut,
    ...(prose ? { overview: prose.overview, problems: prose.problems, other: prose.other } : {}),
  };
};

const z = [0, 0, 0, 0, 0];
const col = (n: number) => [n, ...z];

/** 2022 repeats 2021's prose; 2023 receives 0 where 2022 carried 1 over, and 主动公开 jumps 310 → 3,200. */
export const BROKEN: SeriesYear[] = [
  { year: 2021, active: 300, newApps: col(2), open: col(1), carriedIn: col(0), carriedOut: col(1), prose: 0 },
  { year: 2022, active: 310, newApps: col(2), open: col(2), carriedIn: col(1), carriedOut: col(1), prose: 0 },
  {
    year: 2023,
    active: 3200,
    newApps: col(3),
    open: col(3),
    carriedIn: col(0),
    carriedOut: col(0),
    prose: 1,
  },
];

/** The same body's years written afresh each year, carry-overs that agree, figures that move modestly. */
export const CLEAN: SeriesYear[] = [
  { year: 2021, active: 300, newApps: col(2), open: col(1), carriedIn: col(0), carriedOut: col(1), prose: 0 },
  { year: 2022, active: 340, newApps: col(2), open: col(2), carriedIn: col(1), carriedOut: col(1), prose: 1 },
  { year: 2023, active: 410, newApps: col(3), open: col(4), carriedIn: col(1), carriedOut: col(0), prose: 2 },
];

const title = (year: number): string => `${ORG}${year}年政府信息公开工作年度报告`;

function detailPage(site: SiteInfo, y: SeriesYear, slug: string): string {
  const date = `${y.year + 1}-01-20`;
  const main = `<table class="xxgk_table" cellspacing="0">
<tr><td>索引号：</td><td>${CODE}-${slug}/${y.year + 1}-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>${ORG}</td><td>发布日期：</td><td>${date}</td></tr>
<tr><td>标题：</td><td colspan="3">${esc(title(y.year))}</td></tr>
</table>
<div class="article"><h1 class="title">${esc(title(y.year))}</h1>
<div class="TRS_Editor">${templateArticle(options(y))}</div></div>`;
  return chrome(site, { title: title(y.year), main });
}

/**
 * Serves `years` (any order given; listed newest first) for 靖远县财政局, registered as `620421-<slug>`
 * (several copies of one series can then be watched as distinct bodies in one runtime).
 */
export async function startSeriesPortal(years: readonly SeriesYear[], slug = 'czj'): Promise<SeriesPortal> {
  const listingPath = `/${slug}/ndbg/`;
  const info: SiteInfo = { org: ORG, code: CODE, family: 'trs', listingPath };
  const newestFirst = [...years].sort((a, b) => b.year - a.year);
  const reports = new Map(
    newestFirst.map((y, i) => [y.year, `${listingPath}${y.year + 1}01/t${y.year + 1}0120_${5000 + i}.html`]),
  );
  const routes = new Map<string, string>([
    [listingPath, ''],
    ['/robots.txt', 'User-agent: *\nAllow: /\n'],
  ]);
  const items = newestFirst.map((y) => ({
    href: reports.get(y.year) ?? '',
    title: title(y.year),
    date: `${y.year + 1}-01-20`,
  }));
  routes.set(listingPath, listingPage(info, items));
  for (const y of newestFirst) routes.set(reports.get(y.year) ?? '', detailPage(info, y, slug));
  const site = await startSite((req, res) => {
    const path = new URL(req.url ?? '/', 'http://portal.invalid').pathname;
    const page = routes.get(path);
    if (page === undefined)
      return sendPage(req, res, Buffer.from('页面不存在'), 'text/html; charset=utf-8', 404);
    const type = path.endsWith('.txt') ? 'text/plain' : 'text/html; charset=utf-8';
    sendPage(req, res, Buffer.from(page, 'utf8'), type, 200);
  });
  const division = lookupDivision(CODE);
  const body = Body.parse({
    id: `${CODE}-${slug}`,
    name: ORG,
    level: 'department',
    divisionCode: CODE,
    parents: division?.parents ?? [],
    listingUrl: site.origin + listingPath,
    render: 'http',
    watchFrom: Math.min(...years.map((y) => y.year)),
  });
  return Object.assign(site, { body, reports });
}
