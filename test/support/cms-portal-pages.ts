import { type ReportSpec, reportDate, reportLines, reportTitle } from './cms-report.ts';

/**
 * Page templates of the CMS portal (cms-portal.ts), in the layouts of the CMS families county portals run
 * (docs/domain.md, "Listings as CMSs build them"): TRS WCM, Hanweb 大汉, a provincial 集约化 platform and a
 * home-grown ASP site. Every page carries the chrome real ones do — top bar, header, nav, breadcrumbs,
 * footer with 主办单位, ICP licence and 网站标识码, and links a crawler must not take for reports.
 */

export type Family = 'trs' | 'hanweb' | 'jiyue' | 'asp';

export interface SiteInfo {
  /** `吉州区人民政府`. */
  org: string;
  /** GB/T 2260 code, also the 网站标识码 prefix. */
  code: string;
  family: Family;
  listingPath: string;
}

export interface Item {
  href: string;
  title: string;
  date: string;
}

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ICP: Record<string, string> = { '36': '赣', '62': '陇', '41': '豫', '14': '晋', '21': '辽' };

export function chrome(
  site: SiteInfo,
  page: { title: string; main: string; head?: string; crumbs?: Array<[string, string]> },
): string {
  const crumbs = [
    ['首页', '/'] as [string, string],
    ...(page.crumbs ?? [['政府信息公开年度报告', site.listingPath]]),
  ]
    .map(([label, href]) => `<a href="${esc(href)}">${esc(label)}</a>`)
    .join(' &gt; ');
  const province = ICP[site.code.slice(0, 2)] ?? '京';
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="SiteName" content="${esc(site.org)}">
<meta name="SiteIDCode" content="${site.code}0001">
<title>${esc(page.title)}_${esc(site.org)}</title>
<link rel="stylesheet" href="/css/style.css">
${page.head ?? ''}
</head>
<body>
<div class="top-bar"><span>欢迎访问${esc(site.org)}门户网站</span> <a href="javascript:void(0)" onclick="AddFavorite(location.href,document.title)">加入收藏</a> <a href="/wza/">无障碍浏览</a></div>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="${esc(site.org)}"></a></div></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="${esc(site.listingPath)}">政府信息公开年度报告</a></li>
</ul></div>
<div class="position">您当前的位置：${crumbs}</div>
<div class="main">
${page.main}
</div>
<div class="footer">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/uploadfiles/wzsyzn.pdf">网站使用指南.pdf</a></p>
<p>主办单位：${esc(site.org)}办公室　承办单位：${esc(site.org.replace(/人民政府$/, ''))}融媒体中心</p>
<p><a href="https://beian.miit.gov.cn/">${province}ICP备05${site.code}号</a>　政府网站标识码：${site.code}0001</p>
</div>
</body>
</html>
`;
}

/** One listing item as each family writes it. */
export function itemHtml(site: SiteInfo, item: Item): string {
  const { href, title, date } = item;
  if (site.family === 'asp') {
    return `<tr><td class="listbg">·<a href="${esc(href)}" target="_blank">${esc(title)}</a></td><td>${date}</td></tr>`;
  }
  if (site.family === 'hanweb') {
    return `<li><a href="${esc(href)}" title="${esc(title)}" target="_blank">${esc(title)}</a><span>${date}</span></li>`;
  }
  return `<li><a href="${esc(href)}" target="_blank" title="${esc(title)}">${esc(title)}</a><span>${date}</span></li>`;
}

export function listingPage(site: SiteInfo, items: readonly Item[], pager = '', head = ''): string {
  const rows = items.map((i) => itemHtml(site, i)).join('\n');
  const list =
    site.family === 'asp'
      ? `<table class="listtable">\n${rows}\n</table>`
      : `<ul class="list">\n${rows}\n</ul>`;
  const main = `<div class="left_menu"><h3>政府信息公开</h3><ul><li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/zwgk/xxgkzd/">政府信息公开制度</a></li><li><a href="${esc(site.listingPath)}">政府信息公开年度报告</a></li></ul></div>
<div class="right_list"><div class="list_title"><h2>政府信息公开年度报告</h2></div>
${list}
${pager}
</div>`;
  return chrome(site, { title: '政府信息公开年度报告', main, head });
}

/** The 索引号/发布机构/发布日期 block of a detail page. */
function metaBlock(site: SiteInfo, title: string, date: string): string {
  return `<table class="xxgk_table" cellspacing="0">
<tr><td>索引号：</td><td>${site.code}000/${date.slice(0, 4)}-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>${esc(site.org)}办公室</td><td>发布日期：</td><td>${date}</td></tr>
<tr><td>标题：</td><td colspan="3">${esc(title)}</td></tr>
</table>`;
}

export interface DetailOptions {
  /** The article body; the report text by default. */
  body?: string;
  /** Extra markup after the article (attachments). */
  after?: string;
  /** Wraps the article in this many nested <div>s. */
  nest?: number;
}

/** A report's detail page: meta block, heading, the report text in the family's content element. */
export function reportPage(site: SiteInfo, spec: ReportSpec, options: DetailOptions = {}): string {
  const title = reportTitle(spec);
  const body =
    options.body ??
    reportLines(spec)
      .slice(1)
      .map((l) => `<p>${esc(l)}</p>`)
      .join('\n');
  const content =
    site.family === 'hanweb' ? `<div id="zoom">${body}</div>` : `<div class="TRS_Editor">${body}</div>`;
  let article = `<div class="article"><h1 class="title">${esc(title)}</h1>\n${content}\n${options.after ?? ''}</div>`;
  if (options.nest) article = `${'<div>'.repeat(options.nest)}${article}${'</div>'.repeat(options.nest)}`;
  const main = `${metaBlock(site, title, reportDate(spec))}\n${article}
<div class="prevnext"><p>上一篇：<a href="/zwgk/xxgkzn/">政府信息公开指南</a></p></div>`;
  return chrome(site, { title, main });
}

/** A page that is not a report: a notice about reports, a work plan, a guide. */
export function noticePage(site: SiteInfo, title: string, date: string): string {
  const main = `${metaBlock(site, title, date)}
<div class="article"><h1 class="title">${esc(title)}</h1><div class="TRS_Editor">
<p>各乡镇人民政府，县政府各部门：</p><p>现将有关事项通知如下，请认真贯彻落实，按时报送。</p><p>${esc(site.org)}办公室</p><p>${date}</p>
</div></div>`;
  return chrome(site, { title, main });
}

/** What CMSs answer for a page that is gone: a 404 body, or a 200 with the same words in full chrome. */
export function gonePage(site: SiteInfo): string {
  return chrome(site, {
    title: '页面不存在',
    main: '<div class="error"><h2>页面不存在</h2><p>对不起，该信息已删除或已撤回，您访问的页面不存在。</p><p><a href="/">返回首页</a></p></div>',
    crumbs: [],
  });
}

export function homePage(site: SiteInfo): string {
  const main = `<div class="home"><h2>政务公开</h2><ul><li><a href="${esc(site.listingPath)}">政府信息公开年度报告</a></li><li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li></ul></div>`;
  return chrome(site, { title: '首页', main, crumbs: [] });
}

/** TRS WCM's pager function, served as /js/page.js the way TRS sites include it. */
export const TRS_PAGE_JS = `function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (arguments.length === 6) { return createPageHTML6.apply(null, arguments); }
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  document.write(pagerHtml(_nPageCount, _nCurrIndex, _sPageName, _sPageExt));
}
function createPageHTML6(divId, count, current, name, ext, rows) {
  var el = document.getElementById(divId);
  if (el && count > 1) { el.innerHTML = "共" + rows + "条 " + pagerHtml(count, current, name, ext); }
}
function pagerHtml(count, current, name, ext) {
  var html = "共" + count + "页 ";
  for (var i = 0; i < count; i++) {
    var href = i === 0 ? name + "." + ext : name + "_" + i + "." + ext;
    html += i === current ? (i + 1) + " " : "<a href=\\"" + href + "\\">" + (i + 1) + "</a> ";
  }
  if (current + 1 < count) { html += "<a href=\\"" + name + "_" + (current + 1) + "." + ext + "\\">下一页</a>"; }
  return html;
}
`;

/**
 * Stand-ins for the scripts a Hanweb page loads (/module/jslib/jquery/jquery.js, /module/web/jpage/jpage.js):
 * enough of `$` for `$(document).ready(…)` and `$('#unit').jpage({…})` to show the datastore's records, so
 * that a browser sees what a visitor sees.
 */
export const HANWEB_JQUERY_JS = `(function () {
  function jpage(box, o) {
    var xml = box.querySelector('script[type="text/xml"]').textContent;
    var records = xml.match(/<record><!\\[CDATA\\[([\\s\\S]*?)\\]\\]><\\/record>/g) || [];
    var html = records.map(function (r) { return r.slice(17, -12); }).join('');
    var list = document.createElement('div');
    list.innerHTML = (o.dataBefore || '') + html + (o.dataAfter || '');
    box.appendChild(list);
  }
  function $(x) {
    if (typeof x === 'function') { document.addEventListener('DOMContentLoaded', x); return; }
    if (x === document) { return { ready: function (f) { document.addEventListener('DOMContentLoaded', f); } }; }
    var el = document.getElementById(String(x).replace(/^#/, ''));
    return { jpage: function (o) { if (el) { jpage(el, o); } } };
  }
  window.$ = window.jQuery = $;
})();
`;
