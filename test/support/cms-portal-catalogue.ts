import { listingPage, reportPage, type SiteInfo } from './cms-portal-pages.ts';
import { clickSite, postOnlySite, selectSite } from './cms-portal-script-sites.ts';
import {
  attachmentSite,
  type Builder,
  type Built,
  hanwebAnnualSite,
  hanwebSite,
  html,
  iframeSite,
  type Switches,
  trsSite,
} from './cms-portal-sites.ts';

/**
 * The sites of the CMS portal (cms-portal.ts): per site, its body's division code, its CMS family, its
 * listing, the report years a complete crawl finds (`expected`), those it holds or names that no crawler can
 * read (`unreachable`), and its layout.
 */
export const CMS_SITES = [
  'iframe',
  'iframe-script',
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
  'page2-fails',
  'removable',
  'shared',
  'nested',
  'gzip',
] as const;
export type CmsSiteName = (typeof CMS_SITES)[number];

export interface SiteDef {
  code: string;
  family: SiteInfo['family'];
  listingPath: string;
  expected: number[];
  unreachable?: number[];
  browser?: boolean;
  build(b: Builder, switches: Switches): Built | Promise<Built>;
}

const TRS_LISTING = '/zwgk/zfxxgknb/index.html';

export const SITES: Record<CmsSiteName, SiteDef> = {
  iframe: {
    code: '360802',
    family: 'jiyue',
    listingPath: '/zwgk/ndbg/index.html',
    expected: [2023, 2022, 2021],
    build: (b) => iframeSite(b, false),
  },
  'iframe-script': {
    code: '211221',
    family: 'trs',
    listingPath: '/zwgk/ndbg/index.html',
    expected: [2023, 2022, 2021],
    browser: true,
    build: (b) => iframeSite(b, true),
  },
  trs: {
    code: '411328',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2024, 2023, 2022, 2021, 2020, 2019, 2018],
    build: (b) =>
      trsSite(b, false, [
        [b.report(2024), b.decoys(2024)[0]!, b.report(2023), b.report(2022), b.decoys(2022)[1]!],
        [b.report(2021), b.report(2020), ...b.decoys(2020)],
        [b.report(2019), b.decoys(2018)[0]!, b.report(2018)],
      ]),
  },
  trs6: {
    code: '140702',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023, 2022, 2021, 2020],
    build: (b) =>
      trsSite(b, true, [
        [b.report(2023), ...b.decoys(2023), b.report(2022)],
        [b.report(2021), b.report(2020)],
      ]),
  },
  hanweb: {
    code: '620421',
    family: 'hanweb',
    listingPath: '/col/col6421/index.html',
    expected: [2023, 2022, 2021, 2020, 2019],
    build: (b) =>
      hanwebSite(
        b,
        [
          b.report(2023),
          b.decoys(2023)[0]!,
          b.report(2022),
          b.report(2021),
          b.decoys(2021)[1]!,
          b.report(2020),
          b.decoys(2019)[0]!,
          b.report(2019),
        ],
        3,
      ),
  },
  'hanweb-annual': {
    code: '360803',
    family: 'hanweb',
    listingPath: '/module/xxgk/xxgkAnnualReport.jsp',
    expected: [2023, 2022, 2021],
    build: (b) => hanwebAnnualSite(b, [2023, 2022, 2021]),
  },
  select: {
    code: '360821',
    family: 'jiyue',
    listingPath: '/xxgk/ndbg/list_1.html',
    expected: [2023, 2022, 2021],
    build: selectSite,
  },
  onclick: {
    code: '411323',
    family: 'trs',
    listingPath: '/xxgk/ndbg/list.shtml',
    expected: [2023, 2022, 2021],
    build: clickSite,
  },
  unresolved: {
    code: '620422',
    family: 'jiyue',
    listingPath: '/zwgk/ndbg/index.html',
    expected: [2023, 2022, 2021],
    unreachable: [2021],
    build: postOnlySite,
  },
  'base-href': {
    code: '140721',
    family: 'asp',
    listingPath: '/xxgk/list.asp?classid=13',
    expected: [2023, 2022],
    build: (b) => {
      // Relative links that only resolve under the <base href>: /xxgk/show.asp?id=… is a 404.
      const items = [2023, 2022].map((y) => ({
        ...b.report(y, { path: `/xxgk/d/show.asp?id=${y - 1000}` }),
        href: `show.asp?id=${y - 1000}`,
      }));
      b.routes.set('/xxgk/list.asp?classid=13', () =>
        html(listingPage(b.site, items, '', '<base href="/xxgk/d/">')),
      );
      return b.done();
    },
  },
  'attach-query': {
    code: '411324',
    family: 'hanweb',
    listingPath: '/col/col1324/index.html',
    expected: [2025],
    build: (b) => attachmentSite(b, 2025, 'query'),
  },
  'attach-disposition': {
    code: '620423',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2024],
    build: (b) => attachmentSite(b, 2024, 'disposition'),
  },
  'attach-gbk': {
    code: '211223',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023],
    build: (b) => attachmentSite(b, 2023, 'gbk'),
  },
  'dead-first': {
    code: '360822',
    family: 'jiyue',
    listingPath: '/zwgk/ndbg/index.html',
    expected: [2023],
    unreachable: [2024],
    build: (b) => simple(b, [b.deadReport(2024), b.report(2023), ...b.decoys(2023)]),
  },
  'dead-attachment': {
    code: '411325',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023],
    build: (b) => {
      const after = `<p>附件：<a href="/uploadfiles/202401/P020240120_tjb2023.pdf">${b.site.org.replace(/人民政府$/, '')}2023年政府信息公开情况统计表.pdf</a></p>`;
      return simple(b, [
        b.report(2023, { page: () => reportPage(b.site, b.spec(2023), { after }) }),
        ...b.decoys(2023),
      ]);
    },
  },
  'page2-fails': {
    code: '140722',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023, 2022, 2021],
    build: (b, switches) => {
      const dir = '/zwgk/zfxxgknb/';
      const first = [b.report(2023), b.decoys(2023)[0]!, b.report(2022)];
      const second = [b.report(2021), b.decoys(2021)[1]!];
      const next =
        '<div class="page">共2页 当前第1页 首页 上一页 <a href="index_1.html">下一页</a> <a href="index_1.html">尾页</a></div>';
      const prev =
        '<div class="page">共2页 当前第2页 <a href="index.html">首页</a> <a href="index.html">上一页</a> 下一页 尾页</div>';
      b.page(`${dir}index.html`, () => listingPage(b.site, first, next));
      b.routes.set(`${dir}index_1.html`, () =>
        switches.failPage2
          ? html('<html><body><h1>500 Internal Server Error</h1></body></html>', 500)
          : html(listingPage(b.site, second, prev)),
      );
      return b.done();
    },
  },
  removable: {
    code: '211224',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023],
    build: (b) => simple(b, [b.report(2023), ...b.decoys(2023)]),
  },
  shared: {
    code: '360823',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023],
    build: (b) => {
      const items = [b.report(2023), ...b.decoys(2023)];
      b.page(TRS_LISTING, () => listingPage(b.site, items));
      b.page('/zfb/ndbg/index.html', () =>
        listingPage({ ...b.site, listingPath: '/zfb/ndbg/index.html' }, items.slice(0, 2)),
      );
      return b.done([TRS_LISTING, '/zfb/ndbg/index.html']);
    },
  },
  nested: {
    code: '411327',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023],
    build: (b) =>
      simple(b, [
        b.report(2023, { page: () => reportPage(b.site, b.spec(2023), { nest: 3500 }) }),
        ...b.decoys(2023),
      ]),
  },
  gzip: {
    code: '140723',
    family: 'trs',
    listingPath: TRS_LISTING,
    expected: [2023],
    build: (b) => {
      const built = simple(b, [b.report(2023), ...b.decoys(2023)]);
      // Compressed although the client did not ask for it (no Accept-Encoding needed).
      built.routes.set(b.reports.get(2023)!, () => ({ body: reportPage(b.site, b.spec(2023)), gzip: true }));
      return built;
    },
  },
};

function simple(b: Builder, items: Parameters<typeof listingPage>[1]): Built {
  b.page(b.site.listingPath, () => listingPage(b.site, items));
  return b.done();
}
