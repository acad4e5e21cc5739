import { esc, listingPage } from './cms-portal-pages.ts';
import { type Builder, type Built, html } from './cms-portal-sites.ts';

/**
 * CMS portal sites whose pages are reached through script: a `<select>` jump menu, onclick and
 * `javascript:goPage(n)` handlers (resolvable from the page), and a POST-only pager behind an obfuscated
 * script (not resolvable: the right outcome for what it hides is *inconclusive*).
 */

/** `<select onchange="location.href=this.options[this.selectedIndex].value">`, one option per page. */
export function selectSite(b: Builder): Built {
  const pages = [
    [b.report(2023), b.decoys(2023)[0]!],
    [b.report(2022), b.decoys(2022)[1]!],
    [b.report(2021)],
  ];
  pages.forEach((items, i) => {
    const options = pages
      .map((_, j) => `<option value="list_${j + 1}.html"${i === j ? ' selected' : ''}>第${j + 1}页</option>`)
      .join('');
    const pager = `<div class="pages">共${pages.length}页 转到 <select name="page" onchange="location.href=this.options[this.selectedIndex].value">${options}</select></div>`;
    b.page(`/xxgk/ndbg/list_${i + 1}.html`, () => listingPage(b.site, items, pager));
  });
  return b.done();
}

const GO_PAGE = `<script type="text/javascript">
function openWin(url) { window.open(url, "_blank", "width=1000,height=800,scrollbars=yes"); }
function goPage(n) {
  if (n == 1) {
    window.location.href = "list.shtml";
  } else {
    window.location.href = "list_" + n + ".shtml";
  }
}
</script>`;

/** Pages by `onclick="location.href='list_2.shtml'"` and `javascript:goPage(n)`; reports by openWin/window.open. */
export function clickSite(b: Builder): Built {
  const pages = [
    [b.report(2023), b.decoys(2023)[0]!],
    [b.report(2022)],
    [b.report(2021), b.decoys(2021)[1]!],
  ];
  const opened = [b.reports.get(2023)!, b.reports.get(2022)!];
  pages.forEach((items, i) => {
    const n = i + 1;
    const numbers = pages
      .map((_, j) =>
        j === i ? `<span class="cur">${j + 1}</span>` : `<a href="javascript:goPage(${j + 1})">${j + 1}</a>`,
      )
      .join(' ');
    const next =
      n < pages.length
        ? `<a href="javascript:void(0)" onclick="location.href='list_${n + 1}.shtml'">下一页</a>`
        : '<span>下一页</span>';
    const pager = `<div class="pagebar">共${pages.length}页 ${numbers} ${next} <a href="javascript:goPage(${pages.length})">尾页</a></div>`;
    let page = listingPage(b.site, items, pager, GO_PAGE);
    // Report links as these sites write them: a javascript: opener, and window.open in onclick.
    page = page.replace(`href="${esc(opened[0]!)}"`, `href="javascript:openWin('${opened[0]}')"`);
    page = page.replace(
      `href="${esc(opened[1]!)}"`,
      `href="#" onclick="window.open('${opened[1]}');return false;"`,
    );
    b.page(`/xxgk/ndbg/${n === 1 ? 'list' : `list_${n}`}.shtml`, () => page);
  });
  return b.done();
}

/** What a packer leaves on the page: the next-page button submits the pager form (POST). */
const PACKED = `<script>eval(function(p,a,c,k,e,d){e=function(c){return c.toString(36)};if(!''.replace(/^/,String)){while(c--){d[c.toString(a)]=k[c]||c.toString(a)}k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};while(c--){if(k[c]){p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c])}}return p}('5.6(\\'2\\').7(\\'1\\',3(){5.6(\\'0\\').4()})',8,8,'pageForm|click|nextPage|function|submit|document|getElementById|addEventListener'.split('|'),0,{}))</script>`;

/** Page 1 by GET; page 2 only as the answer to a POST of the pager form, driven by packed script. */
export function postOnlySite(b: Builder): Built {
  const first = [b.report(2023), b.decoys(2023)[0]!, b.report(2022), b.decoys(2022)[1]!];
  const second = [b.report(2021)];
  const pager = `<div class="fy"><a class="active" href="javascript:;">1</a> <a href="javascript:;" onclick="turnPage(2)">2</a> <a href="javascript:void(0)" id="nextPage">下一页</a></div>
<form id="pageForm" method="post" action="list.do"><input type="hidden" name="pageNo" value="2"></form>
<script src="/static/js/list-pager.min.js"></script>
${PACKED}`;
  b.page(b.site.listingPath, () => listingPage(b.site, first, pager));
  b.routes.set('/static/js/list-pager.min.js', () => ({
    type: 'application/javascript',
    body: "function turnPage(n){var f=document.getElementById('pageForm');f.pageNo.value=n;f.submit();}",
  }));
  b.routes.set('/zwgk/ndbg/list.do', (req) => {
    if (req.method !== 'POST') return html('<html><body>405 Method Not Allowed</body></html>', 405);
    return html(listingPage(b.site, req.form.get('pageNo') === '2' ? second : first));
  });
  return b.done();
}
