import { html } from 'hono/html';
import type { Severity } from '../../domain/finding.ts';
import type { BodyYears, Scoreboard } from '../../read/index.ts';
import type { YearStatus } from '../../rules/sweep.ts';
import { bodyHref, reportHref, scopeHref, tableRegion } from '../components.ts';
import {
  LEVEL_LABELS,
  OUTCOME_LABELS,
  OUTCOME_ORDER,
  outcomeBadge,
  SEVERITY_LABELS,
  SEVERITY_ORDER,
} from '../labels.ts';
import { type Html, page } from '../layout.ts';
import type { ExportLinks } from '../links.ts';
import type { ScopeOption } from '../scopes.ts';

export interface ScoreboardView {
  board: Scoreboard;
  /** The scope as words: 全国, 江西省, 江西省 › 吉安市. */
  scopeName: string;
  /** The scope's own chain (全国 first), each a link target. */
  scopeChain: Array<{ code: string; name: string }>;
  years: number[];
  scopes: ScopeOption[];
  /** Every body in scope with its years (for the bodies table); `bodiesCut` when more were left out. */
  bodies: BodyYears[];
  bodiesCut: number;
  links: ExportLinks;
}

const count = (n: number): Html => (n === 0 ? html`<span class="zero">0</span>` : html`${n}`);

function countHeads(): Html {
  return html`${OUTCOME_ORDER.map((o) => html`<th scope="col" class="num">${OUTCOME_LABELS[o].zh}<br><span class="en" lang="en">${OUTCOME_LABELS[o].en}</span></th>`)}
${SEVERITY_ORDER.map((s) => html`<th scope="col" class="num">问题·${SEVERITY_LABELS[s].zh}<br><span class="en" lang="en">${SEVERITY_LABELS[s].en}s</span></th>`)}`;
}

function countCells(outcomes: Record<YearStatus, number>, findings: Record<Severity, number>): Html {
  return html`${OUTCOME_ORDER.map((o) => html`<td class="num" data-label="${OUTCOME_LABELS[o].zh} ${OUTCOME_LABELS[o].en}">${count(outcomes[o])}</td>`)}${SEVERITY_ORDER.map(
    (s) =>
      html`<td class="num" data-label="问题·${SEVERITY_LABELS[s].zh} ${SEVERITY_LABELS[s].en}s">${count(findings[s])}</td>`,
  )}`;
}

function selector(v: ScoreboardView): Html {
  const { board } = v;
  return html`<form class="inline" method="get" action="/" aria-label="选择年度和范围 Choose a year and a scope">
<div><label for="year">报告年度 <span class="en" lang="en">Report year</span></label>
<select id="year" name="year">${v.years.map((y) => html`<option value="${y}"${y === board.year ? html` selected` : ''}>${y}</option>`)}</select></div>
<div><label for="scope">范围 <span class="en" lang="en">Scope</span></label>
<select id="scope" name="scope">${v.scopes.map(
    (s) =>
      html`<option value="${s.code}"${s.code === board.scope ? html` selected` : ''}>${'\u3000'.repeat(s.depth)}${s.name}</option>`,
  )}</select></div>
<div><button type="submit">显示 <span lang="en">Show</span></button></div>
</form>`;
}

function jurisdictionTable(v: ScoreboardView): Html {
  const { board } = v;
  return tableRegion(
    '各地区统计 By jurisdiction',
    html`<table id="jurisdictions" class="sticky stack two" data-sortable>
<caption>${board.year}年度报告 · ${v.scopeName} · 按地区 <span class="en" lang="en">by jurisdiction</span></caption>
<thead><tr><th scope="col">地区 Jurisdiction</th><th scope="col" class="num">机关 Bodies</th>${countHeads()}</tr></thead>
<tbody>${board.rows.map(
      (r) =>
        html`<tr><th scope="row"><a href="${scopeHref(r.code, board.year)}">${r.name}</a></th><td class="num" data-label="机关 bodies">${r.bodies}</td>${countCells(r.outcomes, r.findings)}</tr>`,
    )}</tbody>
<tfoot><tr><th scope="row">合计 Total</th><td class="num" data-label="机关 bodies">${board.totals.bodies}</td>${countCells(board.totals.outcomes, board.totals.findings)}</tr></tfoot>
</table>`,
  );
}

function bodiesTable(v: ScoreboardView): Html {
  const year = v.board.year;
  return html`<div class="filter" hidden><label for="filter-bodies">筛选机关 <span class="en" lang="en">Filter bodies</span>
<span class="hint">输入名称、地区或结果,如"江西"或"未发布" <span lang="en">name, place or outcome</span></span></label>
<input type="search" id="filter-bodies" data-filter="bodies" hidden autocomplete="off">
<output data-filter-count="bodies" aria-live="polite"></output></div>
${tableRegion(
  '各机关 Bodies',
  html`<table id="bodies" class="stack" data-sortable>
<caption>${year}年度 · 各机关 <span class="en" lang="en">Bodies</span></caption>
<thead><tr><th scope="col">机关 Body</th><th scope="col">地区 Jurisdiction</th><th scope="col">结果 Outcome</th><th scope="col">期限 Deadline</th><th scope="col">发布日期 Page date</th><th scope="col" class="num">问题 Findings</th></tr></thead>
<tbody>${v.bodies.map((b) => {
    const y = b.years.find((x) => x.year === year);
    const errors = y?.findings.filter((f) => f.severity === 'error').length ?? 0;
    return html`<tr data-outcome="${y?.outcome ?? 'none'}"><th scope="row"><a href="${bodyHref(b.body.id)}">${b.body.name}</a><br><span class="muted">${LEVEL_LABELS[b.body.level]}</span></th>
<td data-label="地区">${b.body.parents.map((p) => p.name).join(' › ') || '—'}</td>
<td data-label="结果 outcome" data-v="${y ? OUTCOME_ORDER.indexOf(y.outcome) : 9}"><span>${outcomeBadge(y?.outcome ?? null)}${y?.report ? html`<br><a href="${reportHref(b.body.id, year)}">查看报告 <span lang="en">report</span></a>` : ''}</span></td>
<td data-label="期限 deadline">${y?.deadline.date ?? '—'}</td><td data-label="发布日期 page date">${y?.publishedAt ?? '—'}</td>
<td class="num" data-label="问题 findings" data-v="${y?.findings.length ?? 0}"><span>${y?.findings.length ?? 0}${errors ? html` <span class="muted">(${errors} 错误 errors)</span>` : ''}</span></td></tr>`;
  })}</tbody></table>`,
)}
${v.bodiesCut > 0 ? html`<p class="muted">还有 ${v.bodiesCut} 个机关未列出,请缩小范围。 <span lang="en">${v.bodiesCut} more bodies: choose a narrower scope.</span></p>` : ''}`;
}

/** `/`: the scoreboard of one report year over one scope. */
export function scoreboardPage(v: ScoreboardView): Html {
  const { board } = v;
  return page(
    { title: `${board.year}年度 ${v.scopeName} 榜单`, current: 'scoreboard', scripts: ['table'] },
    html`<h1>${board.year}年度政府信息公开工作年度报告 · ${v.scopeName}
<br><span class="en" lang="en">Annual disclosure reports for ${board.year}: who published on time</span></h1>
${
  v.scopeChain.length > 1
    ? html`<nav class="crumbs" aria-label="范围 Scope">${v.scopeChain.map(
        (s, i) => html`${i ? ' › ' : ''}<a href="${scopeHref(s.code, board.year)}">${s.name}</a>`,
      )}</nav>`
    : ''
}
${selector(v)}
<p class="muted">截至 ${board.today}(北京时间)判定。结果的含义见<a href="/method">方法说明</a>。
<span lang="en">Judged as of ${board.today}. What each outcome means: <a href="/method">method</a> (${board.method}).</span></p>
<ul class="links">
<li><a href="${v.links.csv}">下载 CSV <span lang="en">CSV of this view</span></a></li>
<li><a href="${v.links.feed}">订阅源 <span lang="en">Feed of findings</span></a></li>
<li><a href="/subscribe?scope=${encodeURIComponent(board.scope)}">邮件提醒 <span lang="en">E-mail alerts</span></a></li>
</ul>
<h2>按地区 <span class="en" lang="en">By jurisdiction</span></h2>
${board.rows.length ? jurisdictionTable(v) : html`<p>该范围内没有登记的机关。 <span lang="en">No body is registered in this scope.</span></p>`}
<h2>各机关 <span class="en" lang="en">Bodies</span></h2>
${v.bodies.length ? bodiesTable(v) : html`<p class="muted">—</p>`}`,
  );
}
