import { CHROME, renderPage } from '#seeds/portal/chrome.ts';
import { DECOYS, TANGHE_PAGE1_DECOYS } from '#seeds/portal/decoys.ts';
import { crumbs } from '#seeds/portal/detail-pages.ts';
import { esc, type Link, linkList } from '#seeds/portal/html.ts';
import { type DemoSite, demoSite, type SiteKey } from '#seeds/portal/sites.ts';

/** The report's link as the 年报 column lists it (title as the portal titles it, date as the list shows it). */
export const REPORT_LINK_TITLES: Record<SiteKey, string> = {
  '000': '吉州区2017年政府信息公开工作年度报告',
  '001': '靖远县人力资源和社会保障局2016年政府信息公开工作年度报告',
  '002': '铁岭市2017年度政府信息公开工作报告',
  '003': '唐河县人民政府2018年政府信息公开工作年度报告',
  '004': '榆次区2011年政府信息公开年度报告',
};

export function reportLink(site: DemoSite): Link {
  const link: Link = { title: REPORT_LINK_TITLES[site.key], href: site.reportPath };
  // Lists show the day only; 铁岭's list (like its page) shows no date at all.
  return site.publishedAt ? { ...link, date: site.publishedAt.slice(0, 10) } : link;
}

function byDateDesc(links: Link[]): Link[] {
  return [...links].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}

/** TRS sites write hrefs relative to the column directory (`./201802/t…html`); crawlers must resolve them. */
function relativeTo(listingPath: string, links: Link[]): Link[] {
  const dir = listingPath.slice(0, listingPath.lastIndexOf('/') + 1);
  return links.map((l) => (l.href.startsWith(dir) ? { ...l, href: `./${l.href.slice(dir.length)}` } : l));
}

function listingPage(key: SiteKey, list: string, pager = ''): string {
  const column = CHROME[key].column;
  const main = `<div class="column-title"><h2>${esc(column)}</h2></div>
<div class="list">
${list}
</div>
${pager}`;
  return renderPage({
    key,
    title: `${column}_${CHROME[key].siteTitle}`,
    crumbs: crumbs(key)
      .slice(0, 1)
      .concat([[column, demoSite(key).listingPath]]),
    main,
  });
}

export function listingHtml(key: SiteKey): string {
  const site = demoSite(key);
  const links = byDateDesc([reportLink(site), ...DECOYS[key]]);
  if (key === '000')
    return listingPage(key, `<ul class="list_ul">\n${linkList(relativeTo(site.listingPath, links))}\n</ul>`);
  if (key === '004') {
    const rows = links
      .map(
        (l) =>
          `<tr><td class="listbg">·<a href="${esc(l.href)}">${esc(l.title)}</a></td><td>${esc(l.date ?? '')}</td></tr>`,
      )
      .join('\n');
    return listingPage(key, `<table class="listtable">\n${rows}\n</table>`);
  }
  return listingPage(key, `<ul>\n${linkList(links)}\n</ul>`);
}

/** 唐河's column spans two pages (TRS `index.html`, `index_1.html`); the report sits on page 2. */
export function tangheListingHtml(page: 0 | 1): string {
  const site = demoSite('003');
  const decoys = DECOYS['003'];
  const links =
    page === 0
      ? decoys.slice(0, TANGHE_PAGE1_DECOYS)
      : [reportLink(site), ...decoys.slice(TANGHE_PAGE1_DECOYS)];
  const pager =
    page === 0
      ? '<div class="page">共2页 当前第1页 首页 上一页 <a href="index_1.html">下一页</a> <a href="index_1.html">尾页</a></div>'
      : '<div class="page">共2页 当前第2页 <a href="index.html">首页</a> <a href="index.html">上一页</a> 下一页 尾页</div>';
  return listingPage('003', `<ul>\n${linkList(byDateDesc(links))}\n</ul>`, pager);
}

export const TIELING_LIST_API = '/api/list.json';

/** 铁岭 renders its column in the browser: plain HTTP sees an empty list and this script. */
export function tielingListingHtml(): string {
  const script = `<script>
fetch('${TIELING_LIST_API}?channel=zfxxgkndbg&page=1')
  .then(function (r) { return r.json(); })
  .then(function (res) {
    var ul = document.getElementById('list');
    res.data.forEach(function (item) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = item.url;
      a.textContent = item.title;
      li.appendChild(a);
      ul.appendChild(li);
    });
  });
</script>`;
  return listingPage('002', `<ul id="list"></ul>\n${script}`);
}

export function tielingListJson(): string {
  const links = [reportLink(demoSite('002')), ...DECOYS['002']];
  return JSON.stringify({
    code: 0,
    total: links.length,
    data: links.map((l) => ({ title: l.title, url: l.href })),
  });
}
