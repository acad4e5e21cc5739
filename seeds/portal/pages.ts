import { fileURLToPath } from 'node:url';
import { CHROME, renderPage } from '#seeds/portal/chrome.ts';
import { DECOYS, decoyText } from '#seeds/portal/decoys.ts';
import { DETAIL_RENDERERS, decoyPageHtml, YUCI_DOC_PATH } from '#seeds/portal/detail-pages.ts';
import { esc } from '#seeds/portal/html.ts';
import {
  listingHtml,
  TIELING_LIST_API,
  tangheListingHtml,
  tielingListingHtml,
  tielingListJson,
} from '#seeds/portal/listing-pages.ts';
import { defaultSeedTexts, type SeedTexts, seedText } from '#seeds/portal/seed-texts.ts';
import { demoSite, type SiteKey } from '#seeds/portal/sites.ts';

/** Every page of the demo portal, rendered purely from the seed texts; the server only encodes and sends. */

export {
  listingHtml,
  tangheListingHtml,
  tielingListingHtml,
  tielingListJson,
} from '#seeds/portal/listing-pages.ts';
export { loadSeedTexts } from '#seeds/portal/seed-texts.ts';

/** The seed report's detail page as the portal serves it (a string; 靖远 is GBK-encoded only on the wire). */
export function detailPageHtml(key: string, texts: SeedTexts = defaultSeedTexts()): string {
  const site = demoSite(key);
  return DETAIL_RENDERERS[site.key](seedText(texts, site.key));
}

export function homePageHtml(key: SiteKey): string {
  const chrome = CHROME[key];
  const main = `<div class="channels">
<a href="${chrome.gkPath}">政府信息公开</a>
<a href="#">政务服务</a>
<a href="#">互动交流</a>
</div>`;
  return renderPage({ key, title: chrome.siteTitle, crumbs: [], main });
}

export function gkPageHtml(key: SiteKey): string {
  const chrome = CHROME[key];
  const items: Array<[string, string]> = [
    ['政府信息公开指南', '#'],
    ['政府信息公开制度', '#'],
    ['法定主动公开内容', '#'],
    [chrome.column, demoSite(key).listingPath],
    ['依申请公开', '#'],
  ];
  const main = `<ul class="gk-menu">
${items.map(([label, href]) => `<li><a href="${esc(href)}">${esc(label)}</a></li>`).join('\n')}
</ul>`;
  return renderPage({
    key,
    title: `政府信息公开_${chrome.siteTitle}`,
    crumbs: [['政府信息公开', chrome.gkPath]],
    main,
  });
}

export type PortalResponse =
  | { status: number; kind: 'html'; body: string }
  | { status: 200; kind: 'text' | 'json' | 'css'; body: string }
  | { status: 200; kind: 'file'; file: string; contentType: string };

export const DOC_FILE = new URL('./files/2011ndbg.doc', import.meta.url);

const STYLE =
  'body{font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;margin:0}.main{width:1000px;margin:0 auto}';

function notFound(key: SiteKey): PortalResponse {
  const main =
    '<div class="error"><h2>404</h2><p>您访问的页面不存在或已被删除!</p><a href="/">返回首页</a></div>';
  return { status: 404, kind: 'html', body: renderPage({ key, title: '页面不存在', crumbs: [], main }) };
}

/** Resolves a request path (with query) on one site to what the portal answers. */
export function route(
  key: SiteKey,
  pathWithQuery: string,
  texts: SeedTexts = defaultSeedTexts(),
): PortalResponse {
  const site = demoSite(key);
  const path = pathWithQuery.split('?')[0] ?? '/';
  const html = (body: string): PortalResponse => ({ status: 200, kind: 'html', body });
  if (path === '/robots.txt') return { status: 200, kind: 'text', body: 'User-agent: *\nAllow: /\n' };
  if (path === '/css/style.css') return { status: 200, kind: 'css', body: STYLE };
  if (path === '/' || path === '/index.html') return html(homePageHtml(key));
  if (path === CHROME[key].gkPath) return html(gkPageHtml(key));
  if (pathWithQuery === site.reportPath) return html(detailPageHtml(key, texts));
  if (key === '003' && path === '/gknb/index_1.html') return html(tangheListingHtml(1));
  if (path === site.listingPath) {
    if (key === '003') return html(tangheListingHtml(0));
    if (key === '002') return html(tielingListingHtml());
    return html(listingHtml(key));
  }
  if (key === '002' && path === TIELING_LIST_API)
    return { status: 200, kind: 'json', body: tielingListJson() };
  if (key === '004' && path === YUCI_DOC_PATH) {
    return { status: 200, kind: 'file', file: fileURLToPath(DOC_FILE), contentType: 'application/msword' };
  }
  const decoy = DECOYS[key].find((l) => l.href === pathWithQuery);
  if (decoy) return html(decoyPageHtml(key, decoy, decoyText(decoy.title)));
  return notFound(key);
}
