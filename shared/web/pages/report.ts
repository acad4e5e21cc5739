import { html } from 'hono/html';
import type { RawTable } from '../../domain/figures.ts';
import type { ParsedReport } from '../../domain/report.ts';
import type { ReportDetail, RevisionView } from '../../read/index.ts';
import { bodyHref, evidenceHref, findingBlock, parentChain, tableRegion } from '../components.ts';
import { anchorOf, type FlaggedSpan, flaggedSpans } from '../highlight.ts';
import { beijingTime, externalLink, figureLabel, outcomeBadge } from '../labels.ts';
import { type Html, page } from '../layout.ts';

/** Renders a stretch of the original text with its flagged spans marked and explained. */
class TextRenderer {
  private readonly anchored = new Set<string>();
  /** Spans whose explanation was printed: a span cut by tables or cells is explained once. */
  private readonly noted = new Set<FlaggedSpan>();
  constructor(
    private readonly text: string,
    private readonly spans: readonly FlaggedSpan[],
  ) {}

  private anchors(span: FlaggedSpan): Html {
    const fresh = [...new Set(span.notes.map((n) => n.findingId))].filter((id) => !this.anchored.has(id));
    for (const id of fresh) this.anchored.add(id);
    return html`${fresh.map((id) => html`<span id="${anchorOf(id)}"></span>`)}`;
  }

  private notes(span: FlaggedSpan): Html {
    if (this.noted.has(span)) return html``;
    this.noted.add(span);
    return html`${span.notes.map(
      (n) =>
        html`<span class="computed">⚠ ${n.text} · <a href="${evidenceHref(n.findingId)}">证据 <span lang="en">evidence</span></a></span>`,
    )}`;
  }

  private mark(span: FlaggedSpan, from: number, to: number): Html {
    return html`${this.anchors(span)}<mark class="flag">${this.text.slice(from, to)}</mark>${this.notes(span)}`;
  }

  /** Plain text from `a` to `b`, flagged spans marked (a span cut by the range is marked in part). */
  text_(a: number, b: number): Html {
    const parts: Html[] = [];
    let at = a;
    for (const s of this.spans) {
      if (s.end <= a || s.start >= b) continue;
      const from = Math.max(s.start, a);
      const to = Math.min(s.end, b);
      if (from > at) parts.push(html`${this.text.slice(at, from)}`);
      parts.push(this.mark(s, from, to));
      at = to;
    }
    if (at < b) parts.push(html`${this.text.slice(at, b)}`);
    return html`${parts}`;
  }

  private cell(c: { text: string; start: number; end: number }, header: boolean): Html {
    const span = this.spans.find((s) => s.start < c.end && s.end > c.start);
    const body = span
      ? html`${this.anchors(span)}<mark class="flag">${c.text}</mark>${this.notes(span)}`
      : html`${c.text}`;
    return header ? html`<th scope="col">${body}</th>` : html`<td>${body}</td>`;
  }

  table(t: RawTable, n: number): Html {
    const [head, ...rows] = t.rows;
    return tableRegion(
      `表格 ${n}`,
      html`<table class="report-table"><caption>表格 ${n} <span class="en" lang="en">as published</span></caption>
${head ? html`<thead><tr>${head.map((c) => this.cell(c, true))}</tr></thead>` : ''}
<tbody>${rows.map((r) => html`<tr>${r.map((c) => this.cell(c, false))}</tr>`)}</tbody></table>`,
    );
  }

  /** The range with the tables inside it rendered as tables. */
  range(a: number, b: number, tables: readonly RawTable[], numberOf: (t: RawTable) => number): Html {
    const parts: Html[] = [];
    let at = a;
    for (const t of tables) {
      if (t.start < at || t.end > b) continue;
      if (t.start > at) parts.push(html`<div class="report-text">${this.text_(at, t.start)}</div>`);
      parts.push(this.table(t, numberOf(t)));
      at = t.end;
    }
    if (at < b) parts.push(html`<div class="report-text">${this.text_(at, b)}</div>`);
    return html`${parts}`;
  }
}

/** What the page lays out: the text as published, its sections and its tables (offsets into the text). */
export interface ReportLayout {
  originalText: string;
  sections: ParsedReport['sections'];
  figures: { tables: RawTable[] };
}

function recordSections(detail: ReportDetail, record: ReportLayout): Html {
  const text = record.originalText;
  const r = new TextRenderer(text, flaggedSpans(detail.findings, text.length));
  const tables = [...record.figures.tables].sort((a, b) => a.start - b.start);
  const numberOf = (t: RawTable) => tables.indexOf(t) + 1;
  const sections = [...record.sections].sort((a, b) => a.start - b.start);
  const first = sections[0]?.start ?? text.length;
  const lastEnd = sections.length ? Math.max(...sections.map((s) => s.end)) : text.length;
  return html`${first > 0 ? html`<section aria-labelledby="sec-head"><h3 id="sec-head">${sections.length ? html`页面信息与开头 <span class="en" lang="en">Page header and opening</span>` : html`报告全文 <span class="en" lang="en">The whole text</span>`}</h3>${r.range(0, first, tables, numberOf)}</section>` : ''}
${sections.map((s, i) => {
  const end = Math.max(s.end, sections[i + 1]?.start ?? lastEnd);
  return html`<section aria-labelledby="sec-${i}"><h3 id="sec-${i}">${s.heading || s.id}</h3>${s.empty ? html`<p class="notice">本部分为空 <span lang="en">This part is empty.</span></p>` : ''}${r.range(s.start, Math.min(end, lastEnd), tables, numberOf)}</section>`;
})}
${lastEnd < text.length && sections.length ? html`<section aria-labelledby="sec-tail"><h3 id="sec-tail">页尾 <span class="en" lang="en">After the report</span></h3>${r.range(lastEnd, text.length, tables, numberOf)}</section>` : ''}`;
}

function revisionsList(revisions: readonly RevisionView[]): Html {
  return html`<ol>${revisions.map(
    (
      v,
    ) => html`<li><p>${beijingTime(v.firstSeen)} · <code>${v.sha256.slice(0, 12)}</code> · ${externalLink(v.url)}</p>
${
  v.changes
    ? html`${
        v.changes.figures.length
          ? tableRegion(
              '数字变化 Figures changed',
              html`<table><caption>数字变化 <span class="en" lang="en">Figures changed</span></caption>
<thead><tr><th scope="col">项目 Item</th><th scope="col" class="num">修改前 Before</th><th scope="col" class="num">修改后 After</th></tr></thead>
<tbody>${v.changes.figures.map((f) => html`<tr><th scope="row">${figureLabel(f)}</th><td class="num">${f.previous ?? '空 blank'}</td><td class="num">${f.current ?? '空 blank'}</td></tr>`)}</tbody></table>`,
            )
          : html`<p class="muted">数字没有变化 <span lang="en">No figure changed.</span></p>`
      }
<div class="report-text">${v.changes.text.map((t) =>
        t.kind === 'same'
          ? html`<span>${t.text.length > 300 ? `${t.text.slice(0, 120)} … ${t.text.slice(-120)}` : t.text}</span>`
          : t.kind === 'added'
            ? html`<ins class="diff-add">${t.text}</ins>`
            : html`<del class="diff-del">${t.text}</del>`,
      )}</div>`
    : html`<p class="muted">第一个版本 <span lang="en">first version</span></p>`
}</li>`,
  )}</ol>`;
}

/** `/reports/:bodyId/:year`: the public record as the report's own sections and tables, flags explained. */
export function reportPage(detail: ReportDetail, record: ReportLayout): Html {
  const { body, report } = detail;
  return page(
    { title: `${body.name} ${report.year}年度报告` },
    html`${parentChain(body, report.year)}
<h1>${report.title}</h1>
<dl class="facts">
<dt>机关 <span lang="en">body</span></dt><dd><a href="${bodyHref(body.id)}">${body.name}</a></dd>
<dt>结果 <span lang="en">outcome</span></dt><dd>${outcomeBadge(detail.timeliness)} 期限 ${detail.deadline.date}(${detail.deadline.basis})</dd>
<dt>发布日期 <span lang="en">page date</span></dt><dd>${report.publishedAt ?? '页面无日期 none on the page'}</dd>
<dt>原始页面 <span lang="en">source</span></dt><dd>${externalLink(report.url)}</dd>
<dt>首次发现 <span lang="en">first seen</span></dt><dd>${beijingTime(report.firstSeen)}</dd>
<dt>存档 <span lang="en">archived</span></dt><dd><code>sha256 ${report.sha256}</code>${
      detail.findings[0]
        ? html`<br><a href="${evidenceHref(detail.findings[0].id)}">在证据页查看存档原文 <span lang="en">archived copy on the evidence page</span></a>`
        : ''
    }</dd>
</dl>
<h2>发现的问题 <span class="en" lang="en">Findings</span> (${detail.findings.length})</h2>
${detail.findings.length ? detail.findings.map((f) => findingBlock(f, { level: 3, reportLink: true })) : html`<p class="muted">没有发现问题。 <span lang="en">No finding.</span></p>`}
<h2>报告原文 <span class="en" lang="en">The report as published</span></h2>
<p class="muted">按报告自身的章节和表格排列;<mark class="flag">标红</mark>的文字或单元格是问题所在,旁边给出计算结果。
<span lang="en">Laid out in the report's own sections and tables; flagged text and cells carry the computed values.</span></p>
${recordSections(detail, record)}
<h2 id="revisions">版本 <span class="en" lang="en">Versions</span> (${detail.revisions.length})</h2>
${revisionsList(detail.revisions)}`,
  );
}
