import { CHROME, renderPage } from '#seeds/portal/chrome.ts';
import { DECOYS } from '#seeds/portal/decoys.ts';
import { esc, type Link, paragraphs, pipeRow } from '#seeds/portal/html.ts';
import { demoSite, type SiteKey } from '#seeds/portal/sites.ts';
import { parseStatsRows, statsTableHtml } from '#seeds/portal/stats-table.ts';

/**
 * Detail pages: the seed text is the page text. Where the scrape kept the CMS chrome (metadata rows,
 * footer, breadcrumbs, 上一篇/下一篇) it is put back into the matching chrome element; damage is kept as is.
 */

function prevNext(prev: Link, next: Link): string {
  return `<div class="prevnext">
<p>上一篇:<a href="${esc(prev.href)}">${esc(prev.title)}</a></p>
<p>下一篇:<a href="${esc(next.href)}">${esc(next.title)}</a></p>
</div>`;
}

function decoy(key: SiteKey, index: number): Link {
  const link = DECOYS[key][index];
  if (!link) throw new Error(`site ${key} has no decoy #${index}`);
  return link;
}

export function crumbs(key: SiteKey): Array<readonly [string, string]> {
  return [
    ['政务公开', CHROME[key].gkPath],
    [CHROME[key].column, demoSite(key).listingPath],
  ];
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** 吉州区 (TRS): five metadata rows, title, body, and the spam-injected footer, all from the seed. */
function jizhou(text: string): string {
  const all = lines(text);
  const footerAt = all.findIndex((l) => l.startsWith('主办:'));
  const title = all[5] ?? '';
  const main = `<table class="xxgk_table" cellspacing="0">
${all.slice(0, 5).map(pipeRow).join('\n')}
</table>
<div class="article">
<h1 class="title">${esc(title)}</h1>
<div class="TRS_Editor">
${paragraphs(all.slice(6, footerAt))}
</div>
</div>
${prevNext(decoy('000', 0), decoy('000', 2))}`;
  return renderPage({
    key: '000',
    title: `${title}_${CHROME['000'].siteTitle}`,
    crumbs: crumbs('000'),
    main,
    footer: paragraphs(all.slice(footerAt)),
  });
}

/** 靖远 (Hanweb, GBK): the scrape lost the title; metadata rows, then the body inside the layout table. */
function jingyuan(text: string): string {
  const all = lines(text);
  const body = (all[11] ?? '').replace(/ \|$/, '');
  const emptyRow = '<tr><td></td><td></td></tr>';
  const main = `<table class="xxgk_table">
${all.slice(0, 4).map(pipeRow).join('\n')}
</table>
<div class="info"><span>${esc(all[4] ?? '')}</span> <span>${esc(all[5] ?? '')}</span> <span>${esc(all[6] ?? '')}</span></div>
<table class="layout" width="100%">
${all
  .slice(7, 11)
  .map(() => emptyRow)
  .join('\n')}
<tr><td><div id="zoom">${esc(body)}</div></td><td></td></tr>
${emptyRow}
</table>
${prevNext(decoy('001', 1), decoy('001', 0))}`;
  return renderPage({
    key: '001',
    title: '靖远县人力资源和社会保障局2016年政府信息公开工作年度报告',
    crumbs: crumbs('001'),
    main,
  });
}

/** 铁岭: the seed is body only; the page shows no date anywhere (the scrape had none). */
function tieling(text: string): string {
  const title = '铁岭市2017年度政府信息公开工作报告';
  const main = `<table class="xxgk_table">
<tr><td>索引号:</td><td>001191446/ZW-00012</td><td>主题分类:</td><td>综合政务</td></tr>
<tr><td>发布机构:</td><td>铁岭市人民政府办公室</td><td>文号:</td><td></td></tr>
<tr><td>标题:</td><td colspan="3">${esc(title)}</td></tr>
</table>
<h1 class="title">${esc(title)}</h1>
<div class="article-content">
${paragraphs(lines(text))}
</div>
${prevNext(decoy('002', 2), decoy('002', 0))}`;
  return renderPage({ key: '002', title, crumbs: crumbs('002'), main });
}

const TANGHE_META: ReadonlyArray<ReadonlyArray<string>> = [
  ['索  引  号', '', '文       号', ''],
  ['发布机构', '唐河县政府办公室', '发布日期', '2019-03-26 08:59:06'],
  ['公开范围', '面向社会', '公开方式', '主动公开'],
  ['有效性', '有效'],
];

/** 唐河: the scrape kept header, breadcrumbs, the 统计表 and the trailing metadata; rebuild each in place. */
function tanghe(text: string): string {
  const all = lines(text);
  const tableAt = all.findIndex((l) => l.trim() === '附件');
  const headerAt = all.findIndex((l) => l.trim() === '统 计 指 标');
  const headerEnd = all.findIndex((l) => l.trim() === '统计数');
  const signAt = all.findIndex((l) => l.startsWith('单位负责人'));
  const topicAt = all.findIndex((l) => l.startsWith('主题词'));
  const prevLine = all.find((l) => l.startsWith('上一篇:')) ?? '';
  const nextLine = all.find((l) => l.startsWith('下一篇:')) ?? '';
  const title = all[16] ?? '';
  const site = demoSite('003');
  const prev = { title: prevLine.replace('上一篇:', ''), href: '/gknb/201803/t20180322_1532764.html' };
  const next = { title: nextLine.replace('下一篇:', ''), href: '/gknb/201903/t20190327_1618702.html' };
  const main = `<div class="header"><div class="logo"><span>${esc(all[0] ?? '')}</span><span class="sr">${esc(all[1] ?? '')}</span></div>
<div class="nav-icon">${esc(all[2] ?? '')}</div></div>
<div class="position">您的位置:<a href="/">首页</a> &gt; <a href="${CHROME['003'].gkPath}">政务公开</a> &gt; <a href="${site.listingPath}">政府信息公开工作年度报告</a></div>
<div class="article">
<h1>${esc(title)}</h1>
<div class="info">${esc(all[18] ?? '')}</div>
<div class="content">
${paragraphs(all.slice(20, tableAt))}
${paragraphs(all.slice(tableAt, headerAt))}
${statsTableHtml(parseStatsRows(all.slice(headerEnd + 1, signAt)))}
${paragraphs(all.slice(signAt, topicAt))}
</div>
<div class="topic">${esc(all[topicAt] ?? '')}</div>
<table class="xxgk_table">
${TANGHE_META.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}
</table>
${prevNext(prev, next)}
</div>`;
  return renderPage({ key: '003', title, crumbs: [], main, bare: true });
}

export const YUCI_DOC_PATH = '/uploadfiles/201203/2011ndbg.doc';

/** 榆次 (动易 CMS, 2012): info line, the .doc attachment link, then the report text. */
function yuci(text: string): string {
  const all = lines(text);
  const attachment = /\[点击浏览该文件:.*?\]/.exec(all[4] ?? '')?.[0] ?? '';
  const before = (all[4] ?? '').replace(attachment, '');
  const main = `<div class="article">
<h1>${esc(all[0] ?? '')}</h1>
<div class="info">${esc(all[2] ?? '')}</div>
<div class="content">
<p>${esc(before)}<a href="${YUCI_DOC_PATH}">${esc(attachment)}</a></p>
${paragraphs(all.slice(5))}
</div>
${prevNext(decoy('004', 3), decoy('004', 0))}
</div>`;
  return renderPage({ key: '004', title: all[0] ?? '', crumbs: crumbs('004'), main });
}

export const DETAIL_RENDERERS: Record<SiteKey, (seedText: string) => string> = {
  '000': jizhou,
  '001': jingyuan,
  '002': tieling,
  '003': tanghe,
  '004': yuci,
};

/** Any decoy (notice, guide, budget) as a plain article page of its site. */
export function decoyPageHtml(key: SiteKey, link: Link, text: readonly string[]): string {
  const main = `<h1 class="title">${esc(link.title)}</h1>
${link.date ? `<div class="info">发布日期:${esc(link.date)}</div>` : ''}
<div class="content">${paragraphs(text)}</div>`;
  return renderPage({ key, title: link.title, crumbs: crumbs(key), main });
}
