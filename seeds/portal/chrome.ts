import { esc } from '#seeds/portal/html.ts';
import type { SiteKey } from '#seeds/portal/sites.ts';

/** Per-portal CMS chrome. Footers of 000 come from its seed (spam injection included), so they live in the detail renderer. */
export interface Chrome {
  charset: 'utf-8' | 'gb2312';
  siteTitle: string;
  /** The 政府信息公开 landing page a `discover` walk goes through. */
  gkPath: string;
  /** Name of the 年报 column in navigation and breadcrumbs. */
  column: string;
  footer: string;
}

export const CHROME: Record<SiteKey, Chrome> = {
  '000': {
    charset: 'utf-8',
    siteTitle: '吉州区人民政府',
    gkPath: '/zwgk/index.html',
    column: '政府信息公开年度报告',
    footer: '',
  },
  '001': {
    charset: 'gb2312',
    siteTitle: '靖远县人民政府',
    gkPath: '/xxgk/index.html',
    column: '政府信息公开年度报告',
    footer: '主办:靖远县人民政府办公室 承办:靖远县融媒体中心 陇ICP备05001573号',
  },
  '002': {
    charset: 'utf-8',
    siteTitle: '铁岭市人民政府',
    gkPath: '/zwgk/index.html',
    column: '政府信息公开工作年度报告',
    footer: '主办:铁岭市人民政府办公室 辽ICP备05005417号 政府网站标识码:2112000001',
  },
  '003': {
    charset: 'utf-8',
    siteTitle: '唐河县人民政府',
    gkPath: '/zwgk/index.html',
    column: '政府信息公开工作年度报告',
    footer: '主办:唐河县人民政府办公室 承办:唐河县电子政务办公室 豫ICP备05015621号',
  },
  '004': {
    charset: 'utf-8',
    siteTitle: '榆次区政府',
    gkPath: '/zwgk/',
    column: '政府信息公开年报',
    footer: '主办:晋中市榆次区人民政府办公室 晋ICP备05002347号',
  },
};

const NAV = ['首页', '政务公开', '政务服务', '互动交流', '走进'];

export interface PageParts {
  key: SiteKey;
  title: string;
  /** Breadcrumb labels after 首页, as `[label, href]`. */
  crumbs: ReadonlyArray<readonly [string, string]>;
  main: string;
  /** Overrides the site footer (seed 000 carries its own). */
  footer?: string;
  /** Seed 003 prints its own header and breadcrumbs; then the generic ones are left out. */
  bare?: boolean;
  extraHead?: string;
}

export function renderPage(parts: PageParts): string {
  const chrome = CHROME[parts.key];
  const nav = NAV.map((label, i) => {
    const href = i === 0 ? '/' : i === 1 ? chrome.gkPath : '#';
    return `<li><a href="${href}">${esc(i === 4 ? `走进${chrome.siteTitle.replace(/人民政府|政府$/, '')}` : label)}</a></li>`;
  }).join('');
  const crumbs = [['首页', '/'] as const, ...parts.crumbs]
    .map(([label, href]) => `<a href="${esc(href)}">${esc(label)}</a>`)
    .join(' &gt; ');
  const header = parts.bare
    ? ''
    : `<div class="header"><div class="logo">${esc(chrome.siteTitle)}</div></div>
<div class="nav"><ul>${nav}</ul></div>
<div class="position">您的位置: ${crumbs}</div>`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="${chrome.charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>${esc(parts.title)}</title>
<link rel="stylesheet" href="/css/style.css">
${parts.extraHead ?? ''}
</head>
<body>
${header}
<div class="main">
${parts.main}
</div>
<div class="footer">${parts.footer ?? `<p>${esc(chrome.footer)}</p>`}</div>
</body>
</html>
`;
}
