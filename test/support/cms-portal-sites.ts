import iconv from 'iconv-lite';
import { esc, type Item, listingPage, noticePage, reportPage, type SiteInfo } from './cms-portal-pages.ts';
import { type ReportSpec, reportDate, reportDocx, reportPdf, reportTitle } from './cms-report.ts';

/**
 * The layouts of the CMS portal's sites (cms-portal.ts): each builds its routes from its SiteInfo. The
 * routes answer from the request alone and the portal's test switches (failPage2), never from counters.
 */

export interface Req {
  method: string;
  url: URL;
  /** A POST's urlencoded body. */
  form: URLSearchParams;
}

export type Reply =
  | {
      status?: number;
      type?: string;
      body: string | Uint8Array;
      headers?: Record<string, string>;
      gzip?: boolean;
    }
  | { redirect: string; status?: number };

export type Route = (req: Req) => Reply | Promise<Reply>;

export interface Built {
  routes: Map<string, Route>;
  /** Listing paths, one per body (the `shared` site has two). */
  listings: string[];
  /** Where each report of the listing lives (the detail page), by year. */
  reports: Map<number, string>;
  /** The report's own file when the detail page only links it (attach-* sites), by year. */
  attachments: Map<number, string>;
  /** Detail pages that answer 404 although a listing names them. */
  dead: string[];
}

export interface Switches {
  failPage2: boolean;
}

export const html = (body: string, status = 200): Reply => ({ status, body });

const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1);

/** Routes, report paths and the decoy notices every listing carries. */
export class Builder {
  readonly routes = new Map<string, Route>();
  readonly reports = new Map<number, string>();
  readonly attachments = new Map<number, string>();
  readonly dead: string[] = [];

  constructor(readonly site: SiteInfo) {}

  spec(year: number): ReportSpec {
    return { org: this.site.org, year };
  }

  /** A detail URL of that date in the family's shape: TRS `./YYYYMM/tYYYYMMDD_id.html`, 集约化/Hanweb `/art/Y/M/D/art_col_id.html`. */
  detailPath(date: string, id: string): string {
    const [y, m, d] = date.split('-');
    if (this.site.family === 'trs') return `${dirOf(this.site.listingPath)}${y}${m}/t${y}${m}${d}_${id}.html`;
    return `/art/${y}/${Number(m)}/${Number(d)}/art_${this.site.code.slice(2)}_${id}.html`;
  }

  /** A report listed and served (its detail page), its listing item returned. */
  report(year: number, options: { path?: string; page?: () => string | Promise<string> } = {}): Item {
    const spec = this.spec(year);
    const path = options.path ?? this.detailPath(reportDate(spec), `${this.site.code.slice(3)}${year}`);
    const page = options.page ?? (() => reportPage(this.site, spec));
    this.reports.set(year, path);
    this.routes.set(path, async () => html(await page()));
    return { href: path, title: reportTitle(spec), date: reportDate(spec) };
  }

  /** A report listed whose page is gone (404). */
  deadReport(year: number): Item {
    const spec = this.spec(year);
    const path = this.detailPath(reportDate(spec), `${this.site.code.slice(3)}${year}`);
    this.dead.push(path);
    return { href: path, title: reportTitle(spec), date: reportDate(spec) };
  }

  /** Decoys: a notice about compiling the year's report and the next year's work plan. */
  decoys(year: number): Item[] {
    const items: Item[] = [
      { title: `关于做好${year}年政府信息公开工作年度报告编制发布工作的通知`, date: `${year}-12-05` },
      { title: `${this.site.org}${year + 1}年政务公开工作要点`, date: `${year + 1}-04-10` },
    ].map((d, i) => ({ ...d, href: this.detailPath(d.date, `9${i}${year}`) }));
    for (const d of items) this.routes.set(d.href, () => html(noticePage(this.site, d.title, d.date)));
    return items;
  }

  page(path: string, body: () => string | Promise<string>): void {
    this.routes.set(path, async () => html(await body()));
  }

  done(listings: string[] = [this.site.listingPath]): Built {
    return {
      routes: this.routes,
      listings,
      reports: this.reports,
      attachments: this.attachments,
      dead: this.dead,
    };
  }
}

const rel = (listingPath: string, items: Item[]): Item[] =>
  items.map((i) =>
    i.href.startsWith(dirOf(listingPath))
      ? { ...i, href: `./${i.href.slice(dirOf(listingPath).length)}` }
      : i,
  );

/** A bare list page, as iframes load them. */
function framePage(items: readonly Item[], script = ''): string {
  const rows = items
    .map(
      (i) =>
        `<li><a href="${esc(i.href)}" target="_blank" title="${esc(i.title)}">${esc(i.title)}</a><span>${i.date}</span></li>`,
    )
    .join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/css/list.css"></head>
<body><ul id="list">\n${rows}\n</ul>${script}</body></html>`;
}

export function iframeSite(b: Builder, scripted: boolean): Built {
  const items = [b.report(2023), ...b.decoys(2023), b.report(2022), b.report(2021)];
  const frame = `<iframe src="list.html" id="listframe" width="100%" height="600" frameborder="0" scrolling="no"></iframe>`;
  b.page(b.site.listingPath, () => listingPage(b.site, [], frame));
  const listPath = `${dirOf(b.site.listingPath)}list.html`;
  if (!scripted) b.page(listPath, () => framePage(items));
  else {
    // The list exists only as data a script turns into links: only a browser sees them.
    const data = JSON.stringify(items.map((i) => ({ t: i.title, u: i.href, d: i.date })));
    const script = `<script>
var items = ${data};
var html = '';
for (var i = 0; i < items.length; i++) {
  html += '<li><a href="' + items[i].u + '" target="_blank" title="' + items[i].t + '">' + items[i].t + '</a><span>' + items[i].d + '</span></li>';
}
document.getElementById('list').innerHTML = html;
</script>`;
    b.page(listPath, () => framePage([], script));
  }
  return b.done();
}

/** TRS WCM: index.html, index_1.html …, the pager written by createPageHTML from /js/page.js. */
export function trsSite(b: Builder, six: boolean, pages: Item[][]): Built {
  const head = '<script type="text/javascript" src="/js/page.js"></script>';
  pages.forEach((items, i) => {
    const pager = six
      ? `<div id="page_div"></div><script>var countPage = ${pages.length};\nvar currentPage = ${i};\ncreatePageHTML('page_div', countPage, currentPage, 'index', 'html', ${pages.flat().length});</script>`
      : `<div class="page"><script type="text/javascript">createPageHTML(${pages.length}, ${i}, "index", "html");</script></div>`;
    const path = `${dirOf(b.site.listingPath)}${i === 0 ? 'index' : `index_${i}`}.html`;
    b.page(path, () => listingPage(b.site, rel(b.site.listingPath, items), pager, head));
  });
  return b.done();
}

/** Hanweb jpage: the first group of records inline, the rest from dataproxy.jsp (GET query or POST form). */
export function hanwebSite(b: Builder, records: Item[], perPage: number): Built {
  const unit = '4587662';
  const column = `6${b.site.code.slice(3)}`;
  const record = (i: Item) =>
    `<record><![CDATA[<li><a href="${esc(i.href)}" title="${esc(i.title)}" target="_blank">${esc(i.title)}</a><span>${i.date}</span></li>]]></record>`;
  const call = `$(document).ready(function(){$('#${unit}').jpage({themeName:'default',showMode:'full',totalRecord:${records.length},openCookies:false,dataBefore:'<ul class="list">',dataAfter:'</ul>',groupSize:1,proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:${perPage},barPosition:'bottom',ajaxParam:{col:1,appid:1,webid:12,path:'/',columnid:${column},sourceContentType:1,unitid:'${unit}',webname:'${b.site.org}',permissiontype:0}});});`;
  const head =
    '<script language="javascript" src="/module/jslib/jquery/jquery.js"></script>\n<script language="javascript" src="/module/web/jpage/jpage.js"></script>';
  const store = `<div id="${unit}"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=12&path=/&columnid=${column}&unitid=${unit}&permissiontype=0"></a>]]></nextgroup><recordset>${records.slice(0, perPage).map(record).join('')}</recordset></datastore></script></div>\n<script>${call}</script>`;
  b.page(b.site.listingPath, () =>
    listingPage(b.site, [], store, head).replace('<ul class="list">\n\n</ul>', ''),
  );
  b.routes.set('/module/web/jpage/dataproxy.jsp', (req) => {
    const param = (k: string) => req.url.searchParams.get(k) ?? req.form.get(k);
    // Like the real servers, nothing without the column's parameters.
    const ours = param('columnid') === column && param('unitid') === unit;
    const start = Math.max(1, Number(param('startrecord')) || 1);
    const end = Math.min(records.length, Number(param('endrecord')) || start + perPage - 1);
    const slice = ours ? records.slice(start - 1, end) : [];
    const body = `<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>${ours ? records.length : 0}</totalrecord><recordset>${slice.map(record).join('')}</recordset></datastore>`;
    return { type: 'text/xml; charset=utf-8', body };
  });
  return b.done();
}

/** Hanweb's annual-report module: one `xxgkAnnualReport.jsp?area=<code>&fbtime=<year>` page per year. */
export function hanwebAnnualSite(b: Builder, years: number[]): Built {
  const path = '/module/xxgk/xxgkAnnualReport.jsp';
  const items = years.map((y) => {
    const spec = b.spec(y);
    b.reports.set(y, `${path}?area=${b.site.code}&fbtime=${y}`);
    return {
      href: `${path}?area=${b.site.code}&fbtime=${y}`,
      title: reportTitle(spec),
      date: reportDate(spec),
    };
  });
  b.routes.set(path, (req) => {
    const year = Number(req.url.searchParams.get('fbtime'));
    if (req.url.searchParams.get('area') !== b.site.code)
      return html(noticePage(b.site, '暂无年报', '2024-01-01'));
    if (!year) return html(listingPage(b.site, items));
    if (years.includes(year)) return html(reportPage(b.site, b.spec(year)));
    return html(noticePage(b.site, `${year}年度暂无年报`, `${year + 1}-01-01`));
  });
  return b.done([`${path}?area=${b.site.code}`]);
}

/** A report page whose content is only the link to its attachment, and the attachment's download. */
export async function attachmentSite(
  b: Builder,
  year: number,
  kind: 'query' | 'disposition' | 'gbk',
): Promise<Built> {
  const spec = b.spec(year);
  const name = `${b.site.org.replace(/人民政府$/, '')}${year}年政府信息公开工作年度报告`;
  const ext = kind === 'disposition' ? 'pdf' : 'docx';
  const bytes = ext === 'pdf' ? reportPdf(spec) : await reportDocx(spec);
  const download =
    kind === 'query'
      ? `/module/download/downfile.jsp?classid=0&filename=2601150931.docx`
      : `/download?id=${kind === 'gbk' ? 89 : 88}`;
  const label = kind === 'query' ? `${name}.docx` : `附件：${reportTitle(spec)}`;
  const body = `<p><a href="${esc(download)}">${esc(label)}</a></p>`;
  const item = b.report(year, { page: () => reportPage(b.site, spec, { body }) });
  const file = `${reportTitle(spec)}.${ext}`;
  const headers: Record<string, string> =
    kind === 'query'
      ? {}
      : kind === 'disposition'
        ? { 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file)}` }
        : // A raw GBK filename, as old IIS/JSP servers send it: the header's bytes are GBK, not Latin-1 text.
          { 'Content-Disposition': `attachment; filename="${iconv.encode(file, 'gbk').toString('latin1')}"` };
  b.attachments.set(year, download);
  const url = new URL(download, 'http://x');
  b.routes.set(url.pathname, (req) =>
    req.url.search === url.search
      ? { type: 'application/octet-stream', body: bytes, headers }
      : { status: 404, type: 'text/plain; charset=utf-8', body: '文件不存在' },
  );
  const items = [item, ...b.decoys(year)];
  b.page(b.site.listingPath, () => listingPage(b.site, items));
  return b.done();
}
