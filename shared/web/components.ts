import { html } from 'hono/html';
import type { Evidence } from '../domain/finding.ts';
import { complaintLetterUrl, evidencePackageUrl } from '../evidence/links.ts';
import type { BodySummary, CheckLogEntry, CrawlHealth, PublicFinding } from '../read/index.ts';
import { anchorOf } from './highlight.ts';
import { beijingTime, LEVEL_LABELS, severityBadge } from './labels.ts';
import type { Html } from './layout.ts';

/** A wide table in a region of its own that scrolls sideways (the page never does), reachable by keyboard. */
export function tableRegion(label: string, table: Html): Html {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${label}">${table}</div>`;
}

/** `/evidence/<finding id>#q1`: the evidence page (the alerts issue's), opened at the first quote. */
export const evidenceHref = (id: string): string =>
  `/evidence/${/^[0-9a-z.:-]+$/.test(id) ? id : encodeURIComponent(id)}#q1`;
export const bodyHref = (id: string): string => `/bodies/${encodeURIComponent(id)}`;
export const reportHref = (bodyId: string, year: number): string =>
  `/reports/${encodeURIComponent(bodyId)}/${year}`;
export const scopeHref = (scope: string, year?: number): string =>
  `/?${new URLSearchParams({ ...(year ? { year: String(year) } : {}), scope }).toString()}`;

/** 全国 › 江西省 › 吉安市 › the body: each jurisdiction a link to its scoreboard. */
export function parentChain(body: BodySummary, year?: number): Html {
  return html`<nav class="crumbs" aria-label="上级行政区 Jurisdiction"><a href="${scopeHref('*', year)}">全国</a>${body.parents.map(
    (p) => html` › <a href="${scopeHref(p.code, year)}">${p.name}</a>`,
  )} › <span>${body.name}</span> <span class="muted">(${LEVEL_LABELS[body.level]} · <code>${body.id}</code>)</span></nav>`;
}

/** One piece of evidence: where, the quote as published, the figures and the arithmetic. */
export function evidenceBlock(e: Evidence): Html {
  const figures = e.figures ? Object.entries(e.figures) : [];
  return html`<div class="evidence">
<p class="muted">位置 <span lang="en">where</span>: ${e.where}${
    e.start !== undefined && e.end !== undefined ? html` · 原文第 ${e.start}–${e.end} 字符` : ''
  }</p>
${
  e.quote.length > 300
    ? html`<details><summary>引文 ${e.quote.slice(0, 60)}… <span lang="en">(quote, ${e.quote.length} characters: open)</span></summary><blockquote>${e.quote}</blockquote></details>`
    : e.quote
      ? html`<blockquote>${e.quote}</blockquote>`
      : ''
}
${figures.length ? html`<p>数字 <span lang="en">figures</span>: ${figures.map(([k, v], i) => html`${i ? '; ' : ''}<code>${k}</code> = ${v}`)}</p>` : ''}
${
  e.computation
    ? /[=≠<>]/.test(e.computation)
      ? html`<p>计算 <span lang="en">arithmetic</span>: <code>${e.computation}</code></p>`
      : html`<p>记录 <span lang="en">record</span>: <code>${e.computation}</code></p>`
    : ''
}
</div>`;
}

/** The alert id (`rule/bodyId/year`) the evidence packages and letters are named by. */
const alertIdOf = (f: PublicFinding): string => `${f.rule}/${f.bodyId}/${f.year}`;

/** The draft complaint letter's links, for the findings that get one (missing, late, back-dated). */
function letterLinks(f: PublicFinding): Html {
  const md = complaintLetterUrl(alertIdOf(f), 'md');
  const docx = complaintLetterUrl(alertIdOf(f), 'docx');
  if (!md || !docx) return html``;
  return html`<li>投诉信草稿 <span lang="en">draft complaint letter</span>: <a href="${md}">Markdown</a> · <a href="${docx}">DOCX</a></li>`;
}

/** A finding: severity, the rule's verdict in Chinese and English, its evidence, the evidence page. */
export function findingBlock(f: PublicFinding, options: { reportLink?: boolean; level?: 3 | 4 } = {}): Html {
  const title = html`${severityBadge(f.severity)} <code>${f.rule}</code>`;
  return html`<article class="finding s-${f.severity}-edge" id="finding-${f.id.replace(/[^a-zA-Z0-9-]/g, '_')}">
${options.level === 3 ? html`<h3>${title}</h3>` : html`<h4>${title}</h4>`}
<p>${f.message.zh}<br><span class="en" lang="en">${f.message.en}</span></p>
${f.evidence.map(evidenceBlock)}
<ul class="links">
<li><a href="${evidenceHref(f.id)}">证据页(存档原文) <span lang="en">evidence page</span></a></li>
<li><a href="${evidencePackageUrl(alertIdOf(f))}">证据包 <span lang="en">evidence package (WACZ)</span></a></li>
${letterLinks(f)}
${options.reportLink && f.source === 'report' ? html`<li><a href="${reportHref(f.bodyId, f.year)}#${anchorOf(f.id)}">在报告中查看 <span lang="en">in the report</span></a></li>` : ''}
</ul>
</article>`;
}

/** Crawl health: last success, last error, failure streak, links that fail. */
export function healthFacts(h: CrawlHealth): Html {
  return html`<dl class="facts">
<dt>可访问 <span lang="en">reachable</span></dt><dd>${h.reachable ? '是 yes' : '否 no'}</dd>
<dt>最近检查 <span lang="en">last check</span></dt><dd>${beijingTime(h.lastCheckedAt)}</dd>
<dt>最近成功 <span lang="en">last success</span></dt><dd>${beijingTime(h.lastSuccessAt)}</dd>
<dt>最近错误 <span lang="en">last error</span></dt><dd>${h.lastError ? html`<code>${h.lastErrorClass ?? ''}</code> ${h.lastError}` : '无 none'}</dd>
<dt>连续失败 <span lang="en">failures in a row</span></dt><dd>${h.consecutiveFailures}</dd>
<dt>失败的链接 <span lang="en">failing links</span></dt><dd>${h.failingLinks}</dd>
</dl>`;
}

const CHECK_OUTCOME: Record<CheckLogEntry['outcome'], string> = {
  read: '已读完 read',
  'not-modified': '未变化 304',
  partial: '未读完 partial',
  failed: '失败 failed',
};

/** The check log: the proof behind any "missing" (every check, 304s included). */
export function checkLogTable(checks: readonly CheckLogEntry[]): Html {
  if (checks.length === 0)
    return html`<p class="muted">尚无检查记录 <span lang="en">No check yet.</span></p>`;
  return tableRegion(
    '检查记录 Check log',
    html`<table class="stack two">
<caption>检查记录(最新在前) <span class="en" lang="en">Check log, newest first</span></caption>
<thead><tr><th scope="col">时间(北京) Time</th><th scope="col">结果 Result</th><th scope="col">读完 Complete</th><th scope="col" class="num">页数 Pages</th><th scope="col">列出年度 Years listed</th><th scope="col">未读 Unread</th></tr></thead>
<tbody>${checks.map(
      (c) =>
        html`<tr><th scope="row">${beijingTime(c.at)}</th><td data-label="结果 result"><span>${CHECK_OUTCOME[c.outcome]}${c.error ? html`<br><span class="muted">${c.error}</span>` : ''}</span></td><td data-label="读完 complete">${c.complete ? '是 yes' : '否 no'}</td><td class="num" data-label="页数 pages">${c.pages}</td><td data-label="年度 years">${c.years.oldest ?? '—'}–${c.years.newest ?? '—'}</td><td data-label="未读 unread">${c.unread.length ? c.unread.join('; ') : '—'}</td></tr>`,
    )}</tbody></table>`,
  );
}

/** A not-found or bad-request page body. */
export function problem(title: string, detail: string): Html {
  return html`<h1>${title}</h1><p>${detail}</p><p><a href="/">返回榜单 <span lang="en">Back to the scoreboard</span></a></p>`;
}
