import { html } from 'hono/html';
import type { BodySummary, Page, ReportSummary } from '../../read/index.ts';
import { bodyHref, reportHref, tableRegion } from '../components.ts';
import { LEVEL_LABELS } from '../labels.ts';
import { type Html, page } from '../layout.ts';

export interface SearchView {
  q: string;
  bodies: Page<BodySummary>;
  reports: Array<{ body: BodySummary; report: ReportSummary }>;
}

/** `/search`: bodies by name or code, and the reports of matching bodies by title and year. */
export function searchPage(v: SearchView | null): Html {
  return page(
    { title: v?.q ? `搜索 ${v.q}` : '搜索 Search', current: 'search' },
    html`<h1>搜索 <span class="en" lang="en">Search</span></h1>
<form class="inline" method="get" action="/search" role="search">
<div><label for="q">机关名称、行政区划代码或报告标题 <span class="hint">如"吉州区"、"360802"、"唐河县 2018" <span lang="en">a body's name or code, a report title, a year</span></span></label>
<input type="search" id="q" name="q" value="${v?.q ?? ''}" size="28" autocomplete="off"></div>
<div><button type="submit">搜索 <span lang="en">Search</span></button></div>
</form>
${v ? results(v) : ''}`,
  );
}

function results(v: SearchView): Html {
  return html`<h2>机关 <span class="en" lang="en">Bodies</span> (${v.bodies.total})</h2>
${
  v.bodies.items.length
    ? tableRegion(
        '机关 Bodies',
        html`<table><caption>匹配的机关 <span class="en" lang="en">Matching bodies</span></caption>
<thead><tr><th scope="col">机关 Body</th><th scope="col">代码 Code</th><th scope="col">级别 Level</th><th scope="col">上级 Parents</th></tr></thead>
<tbody>${v.bodies.items.map(
          (b) =>
            html`<tr><th scope="row"><a href="${bodyHref(b.id)}">${b.name}</a></th><td><code>${b.id}</code></td><td>${LEVEL_LABELS[b.level]}</td><td>${b.parents.map((p) => p.name).join(' › ') || '—'}</td></tr>`,
        )}</tbody></table>`,
      )
    : html`<p>没有匹配的机关。 <span lang="en">No body matches.</span></p>`
}
${v.bodies.total > v.bodies.items.length ? html`<p class="muted">只显示前 ${v.bodies.items.length} 个。 <span lang="en">First ${v.bodies.items.length} shown.</span></p>` : ''}
<h2>报告 <span class="en" lang="en">Reports</span> (${v.reports.length})</h2>
${
  v.reports.length
    ? html`<ul>${v.reports.map(
        (r) =>
          html`<li><a href="${reportHref(r.body.id, r.report.year)}">${r.report.title}</a> <span class="muted">${r.body.name} · ${r.report.year}</span></li>`,
      )}</ul>`
    : html`<p>没有匹配的报告。 <span lang="en">No report matches.</span></p>`
}`;
}
