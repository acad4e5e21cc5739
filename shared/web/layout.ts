import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { STYLE } from './style.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The sections the top navigation names; `current` marks one with aria-current. */
export type NavItem = 'scoreboard' | 'search' | 'subscribe' | 'method' | 'admin';

export interface PageOptions {
  /** The page's <title> (escaped). */
  title: string;
  /** Robots may not index pages that carry tokens (confirmation, manage links). */
  noindex?: boolean;
  /** The navigation entry this page belongs to. */
  current?: NavItem;
  /**
   * Scripts of the dashboard's own (`/assets/<name>.js`, served by shared/web/routes.ts): the pages work
   * without them; they add table sorting and filtering. No inline script is ever written.
   */
  scripts?: readonly string[];
}

const NAV: ReadonlyArray<[NavItem, string, string, string]> = [
  ['scoreboard', '/', '榜单', 'Scoreboard'],
  ['search', '/search', '搜索', 'Search'],
  ['subscribe', '/subscribe', '订阅', 'Subscribe'],
  ['method', '/method', '方法', 'Method'],
];

/**
 * The one page shell every server-rendered page uses (dashboard, subscription and evidence pages): the
 * `html` tag escapes every interpolated value, so report text (untrusted, sometimes hostile) can be passed
 * as is; only values already built with `html` are inserted raw. The stylesheet is inline (one request on
 * a slow connection); the dashboard's routes send a Content-Security-Policy that allows exactly it and
 * scripts from /assets/ (shared/web/security.ts), so nothing a report smuggles in can run.
 */
export function page(options: PageOptions, body: Html): Html {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.noindex ? html`<meta name="robots" content="noindex">` : ''}
<title>${options.title} · nianbao-watch</title>
<style>${raw(STYLE)}</style>
${(options.scripts ?? []).map((s) => html`<script src="/assets/${s}.js" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">跳到正文 Skip to content</a>
<header class="site">
<a class="brand" href="/">nianbao-watch</a><span class="tag">政府信息公开年报监测 · annual disclosure report watch</span>
<nav class="site" aria-label="主导航 Main"><ul>${NAV.map(
    ([key, href, zh, en]) =>
      html`<li><a href="${href}"${options.current === key ? html` aria-current="page"` : ''}>${zh} <span lang="en">${en}</span></a></li>`,
  )}</ul></nav>
</header>
<main id="main">${body}</main>
<footer class="site"><p>数据来自各级政府门户网站公开的年度报告,每一项结论都附有存档证据。
<span lang="en">Figures come from the reports portals publish; every finding links to its archived evidence.</span>
<a href="/method">方法说明 Method</a></p></footer>
</body>
</html>`;
}
