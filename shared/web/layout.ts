import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  /** The page's <title> (escaped). */
  title: string;
  /** Robots may not index pages that carry tokens (confirmation, manage links). */
  noindex?: boolean;
}

/**
 * The one page shell every server-rendered page uses (dashboard, subscription and evidence pages): the
 * `html` tag escapes every interpolated value, so report text (untrusted, sometimes hostile) can be passed
 * as is; only values already built with `html` are inserted raw.
 */
export function page(options: PageOptions, body: Html): Html {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.noindex ? html`<meta name="robots" content="noindex">` : ''}
<title>${options.title} · nianbao-watch</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="/">nianbao-watch</a> 政府信息公开年报监测</header>
<main>${body}</main>
</body>
</html>`;
}

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1a1a1a;line-height:1.5}
header{padding:.6rem 1rem;background:#0b3d91;color:#fff}header a{color:#fff;font-weight:600;text-decoration:none;margin-right:.5rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left}
a{color:#0b3d91}`;
