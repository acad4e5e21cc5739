import { html } from 'hono/html';
import { decodeBody } from '../crawl/decode.ts';
import type { Evidence } from '../domain/finding.ts';
import { placeName, ruleWording, SEVERITY_WORDS } from '../mail/wording.ts';
import { type Html, page } from '../web/layout.ts';
import { STYLE_HASH } from '../web/style.ts';
import type { EvidenceView } from './evidence-load.ts';

/**
 * The evidence page's Content-Security-Policy: no script at all, nothing loaded from anywhere (images,
 * fonts, frames of other sites), the shell's one inline stylesheet by hash, and the page itself
 * sandboxed (CSP `sandbox`: no scripts, an opaque origin) so nothing in an archived copy can act.
 */
export const EVIDENCE_CSP = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "img-src 'none'",
  "script-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  'sandbox allow-downloads allow-popups allow-popups-to-escape-sandbox',
].join('; ');

/** The report text with each quoted span in a <mark id="q<n>"> (the page's links jump there, no script). */
function highlighted(text: string, evidence: readonly Evidence[]): Html {
  const spans = evidence
    .map((e, i) => ({ start: e.start, end: e.end, n: i + 1 }))
    .filter(
      (s): s is { start: number; end: number; n: number } => s.start !== undefined && s.end !== undefined,
    )
    .filter((s) => s.end > s.start && s.end <= text.length)
    .sort((a, b) => a.start - b.start);
  const parts: Html[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    parts.push(html`${text.slice(at, s.start)}<mark id="q${s.n}">${text.slice(s.start, s.end)}</mark>`);
    at = s.end;
  }
  parts.push(html`${text.slice(at)}`);
  // Styled by the site's stylesheet: the page's CSP allows no inline style attribute.
  return html`<div class="report-text">${parts}</div>`;
}

/** The archived HTML shown inert: a sandboxed frame (no allow-scripts) fed by srcdoc, escaped here. */
function archivedFrame(v: EvidenceView): Html {
  if (!v.raw) return html``;
  const type = v.raw.meta.contentType ?? '';
  if (!/html/i.test(type)) return html``;
  const decoded = decodeBody(v.raw.bytes, type).text;
  return html`<h2>存档副本 <span lang="en">Archived copy, as the crawler saw it (inert)</span></h2>
<iframe sandbox="" referrerpolicy="no-referrer" title="archived copy" srcdoc="${decoded}" class="archived-frame"></iframe>`;
}

/**
 * The public evidence page of one finding, server-rendered in the site's shell: what was found, the
 * rule and its basis, each quote (linked to its highlighted place in the report text), the archived copy's
 * URL, fetch time, HTTP status, sha256 and a download of its bytes, the archived page inert in a sandboxed
 * frame, and for a missing report the check log and listing snapshots that prove the absence. Pure.
 */
export function evidencePage(v: EvidenceView, paths: { raw: (key: string) => string }): Html {
  const f = v.finding;
  const words = ruleWording(f.rule, v.year, f.message);
  const sev = SEVERITY_WORDS[f.severity];
  const where = [...v.body.parents.map((p) => p.name), v.body.name].join(' › ');
  const meta = v.raw?.meta;
  return page(
    { title: `${v.body.name} ${v.year} · ${words.title.zh}` },
    html`<h1>${v.body.name} ${v.year}年度报告 · ${words.title.zh}</h1>
<p>${where} · <strong>${sev.zh} ${sev.en}</strong> · <span lang="en">${words.title.en}</span></p>
<p>${f.message.zh}<br><span lang="en">${f.message.en}</span></p>
<p>${words.rule.zh}<br><span lang="en">${words.rule.en}</span></p>
${words.basis ? html`<p>依据 <span lang="en">Legal basis</span>:${words.basis}</p>` : ''}
<h2>证据 <span lang="en">Evidence</span></h2>
<ol>${f.evidence.map(
      (e, i) =>
        html`<li>${v.originalText && e.start !== undefined ? html`<a href="#q${i + 1}"><mark>${e.quote}</mark></a>` : html`<mark>${e.quote}</mark>`}<br>位置 <span lang="en">Where</span>:${placeName(e.where)}${
          e.computation
            ? html`<br>计算与说明 <span lang="en">Details</span>:<code>${e.computation}</code>`
            : ''
        }</li>`,
    )}</ol>
${
  meta && v.raw
    ? html`<h2>存档 <span lang="en">Archived copy</span></h2>
<table>
<tr><th>网址 URL</th><td><a href="${meta.url}" rel="noopener noreferrer nofollow" target="_blank">${meta.url}</a></td></tr>
<tr><th>抓取时间 Fetched</th><td>${meta.fetchedAt}</td></tr>
<tr><th>HTTP 状态 Status</th><td>${meta.status}</td></tr>
<tr><th>sha256</th><td><code>${meta.sha256}</code></td></tr>
<tr><th>大小 Size</th><td>${meta.size} bytes · ${meta.contentType ?? ''}</td></tr>
</table>
<p><a href="${paths.raw(v.raw.key)}" download>下载存档原始文件 <span lang="en">Download the archived bytes</span></a></p>`
    : v.reportUrl
      ? html`<p>原文 <span lang="en">Source page</span>:<a href="${v.reportUrl}" rel="noopener noreferrer nofollow" target="_blank">${v.reportUrl}</a></p>`
      : ''
}
${v.checks ? checksBlock(v, paths) : ''}
${v.originalText ? html`<h2>报告正文 <span lang="en">Report text (quotes highlighted)</span></h2>${highlighted(v.originalText, f.evidence)}` : ''}
${archivedFrame(v)}`,
  );
}

/** A missing report's proof: each recent check of the listing, its pages, statuses, years and snapshots. */
function checksBlock(v: EvidenceView, paths: { raw: (key: string) => string }): Html {
  return html`<h2>栏目检查记录 <span lang="en">Listing checks (proof of absence)</span></h2>
${(v.checks ?? []).map(
  (c) => html`<h3>${c.at} · ${c.outcome}${c.complete ? ' · 完整读取 read completely' : ''}</h3>
<ul>${c.pages.map(
    (p) =>
      html`<li>${p.url} · ${p.at} · HTTP ${p.status ?? '—'} · 年份 years ${p.years.join(', ') || '—'}${
        p.sha256 ? html` · sha256 <code>${p.sha256}</code>` : ''
      }${p.snapshotKey ? html` · <a href="${paths.raw(p.snapshotKey)}" download>快照 snapshot</a>` : ''}</li>`,
  )}</ul>`,
)}`;
}
