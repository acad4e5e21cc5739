import { html } from 'hono/html';
import type { FigureChange, YearComparison } from '../../read/index.ts';
import { bodyHref, findingBlock, parentChain, reportHref, tableRegion } from '../components.ts';
import { figureLabel } from '../labels.ts';
import { type Html, page } from '../layout.ts';
import { compareExports } from '../links.ts';

const STATUS: Record<FigureChange['status'], string> = {
  changed: '有变化 changed',
  added: '新增 added',
  removed: '删去 removed',
  unchanged: '相同 same',
};

const value = (v: number | null): Html =>
  v === null ? html`<span class="muted">空 blank</span>` : html`${v}`;

function change(f: FigureChange): Html {
  if (f.change === null) return html`—`;
  const sign = f.change > 0 ? '+' : '';
  const pct =
    f.previous !== null && f.previous !== 0 ? ` (${sign}${((f.change / f.previous) * 100).toFixed(1)}%)` : '';
  return html`${sign}${f.change}${pct}`;
}

function figuresTable(c: YearComparison): Html {
  const moved = c.figures.filter((f) => f.status !== 'unchanged');
  const same = c.figures.length - moved.length;
  return html`<div class="filter" hidden><label for="filter-figures">筛选数字 <span class="en" lang="en">Filter figures</span></label>
<input type="search" id="filter-figures" data-filter="figures" hidden autocomplete="off">
<output data-filter-count="figures" aria-live="polite"></output></div>
${tableRegion(
  '数字对比 Figures compared',
  html`<table id="figures" class="stack two" data-sortable>
<caption>有变化的数字(${moved.length} 项;另有 ${same} 项相同) <span class="en" lang="en">Figures that changed</span></caption>
<thead><tr><th scope="col">项目 Item</th><th scope="col" class="num">${c.previousYear}</th><th scope="col" class="num">${c.year}</th><th scope="col" class="num">变化 Change</th><th scope="col">状态 Status</th></tr></thead>
<tbody>${moved.map(
    (f) =>
      html`<tr><th scope="row">${figureLabel(f)}<br><code class="muted">${f.key}</code></th><td class="num" data-label="${c.previousYear}">${value(f.previous)}</td><td class="num" data-label="${c.year}">${value(f.current)}</td><td class="num" data-label="变化 change" data-v="${f.change ?? ''}">${change(f)}</td><td data-label="状态 status">${STATUS[f.status]}</td></tr>`,
  )}</tbody></table>`,
)}`;
}

function textDiff(c: YearComparison): Html {
  const changed = c.text.filter((t) => t.kind !== 'same');
  if (changed.length === 0)
    return html`<p class="muted">文字没有变化 <span lang="en">The text is the same.</span></p>`;
  return html`<div class="report-text">${c.text.map((t) =>
    t.kind === 'same'
      ? html`<span class="muted">${t.text.length > 240 ? `${t.text.slice(0, 80)} … ${t.text.slice(-80)}` : t.text}</span>`
      : t.kind === 'added'
        ? html`<ins class="diff-add">${t.text}</ins>`
        : html`<del class="diff-del">${t.text}</del>`,
  )}</div>`;
}

/** `/bodies/:id/compare/:year`: year N beside N−1, changed figures first, then findings and the text. */
export function comparePage(c: YearComparison): Html {
  const b = c.body;
  return page(
    { title: `${b.name} ${c.year}与${c.previousYear}年对比`, scripts: ['table'] },
    html`${parentChain(b, c.year)}
<h1>${b.name}:${c.year}年与${c.previousYear}年对比 <span class="en" lang="en">${c.year} against ${c.previousYear}</span></h1>
<ul class="links">
<li><a href="${bodyHref(b.id)}">返回机关页 <span lang="en">Body page</span></a></li>
${c.current ? html`<li><a href="${reportHref(b.id, c.year)}">${c.year}年报告</a></li>` : ''}
${c.previous ? html`<li><a href="${reportHref(b.id, c.previousYear)}">${c.previousYear}年报告</a></li>` : ''}
${compareExports(b.id, c.year).map((e) => html`<li><a href="${e.href}">导出 ${e.format.toUpperCase()} <span lang="en">export</span></a></li>`)}
</ul>
${c.current && c.previous ? '' : html`<p class="notice">只有一个年度有报告,另一年度的数字显示为空。 <span lang="en">Only one of the two years has a report.</span></p>`}
<h2>数字 <span class="en" lang="en">Figures</span></h2>
${figuresTable(c)}
<h2>问题 <span class="en" lang="en">Findings</span></h2>
<h3>${c.year}年 (${c.findings.current.length})</h3>
${c.findings.current.length ? c.findings.current.map((f) => findingBlock(f)) : html`<p class="muted">无 none</p>`}
<h3>${c.previousYear}年 (${c.findings.previous.length})</h3>
${c.findings.previous.length ? c.findings.previous.map((f) => findingBlock(f)) : html`<p class="muted">无 none</p>`}
<h2>文字变化 <span class="en" lang="en">Text changes</span></h2>
<p class="muted"><ins class="diff-add">新增</ins> <del class="diff-del">删去</del> <span lang="en">added / removed, ${c.previousYear} → ${c.year}</span></p>
${textDiff(c)}`,
  );
}
