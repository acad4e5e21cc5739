/** The five seed bodies as the demo portal serves them: canonical origins and paths are what the registry lists. */
export type SiteKey = '000' | '001' | '002' | '003' | '004';

export interface DemoSite {
  key: SiteKey;
  bodyId: string;
  name: string;
  /** Canonical origin (the real portal); the demo serves it on a loopback origin instead. */
  origin: string;
  /** The 年报 column the crawler starts from. */
  listingPath: string;
  /** The seed report's detail page (path + query). */
  reportPath: string;
  reportYear: number;
  /** Page date exactly as printed on the detail page (Beijing time); null when the page shows none. */
  publishedAt: string | null;
}

export const DEMO_SITES: DemoSite[] = [
  {
    key: '000',
    bodyId: '360802',
    name: '吉州区人民政府',
    origin: 'http://www.jzq.gov.cn',
    listingPath: '/zwgk/zfxxgknb/index.html',
    reportPath: '/zwgk/zfxxgknb/201802/t20180210_2436578.html',
    reportYear: 2017,
    publishedAt: '2018-02-10 10:43:19',
  },
  {
    key: '001',
    bodyId: '620421-rsj',
    name: '靖远县人力资源和社会保障局',
    origin: 'http://www.jingyuan.gov.cn',
    listingPath: '/xxgk/ndbg/index.html',
    reportPath: '/art/2017/1/6/art_2134_458921.html',
    reportYear: 2016,
    publishedAt: '2017-01-06 19:37',
  },
  {
    key: '002',
    bodyId: '2112',
    name: '铁岭市人民政府',
    origin: 'http://www.tieling.gov.cn',
    listingPath: '/zwgk/zfxxgkndbg/index.html',
    reportPath: '/content/post_1847263.html',
    reportYear: 2017,
    publishedAt: null,
  },
  {
    key: '003',
    bodyId: '411328',
    name: '唐河县人民政府',
    origin: 'http://www.tanghe.gov.cn',
    listingPath: '/gknb/index.html',
    reportPath: '/gknb/201903/t20190326_1618518.html',
    reportYear: 2018,
    publishedAt: '2019-03-26 08:59:06',
  },
  {
    key: '004',
    bodyId: '140702',
    name: '榆次区人民政府',
    origin: 'http://www.yuci.gov.cn',
    listingPath: '/xxgknb/',
    reportPath: '/xxgknb/ShowArticle.asp?ArticleID=5196',
    reportYear: 2011,
    publishedAt: '2012-03-14',
  },
];

export function demoSite(key: string): DemoSite {
  const site = DEMO_SITES.find((s) => s.key === key);
  if (!site)
    throw new Error(
      `unknown demo site key ${key} (expected one of ${DEMO_SITES.map((s) => s.key).join(', ')})`,
    );
  return site;
}
