import { html } from 'hono/html';
import type { BodyDetail, BodyYears, YearView } from '../../read/index.ts';
import {
  bodyHref,
  checkLogTable,
  findingBlock,
  healthFacts,
  parentChain,
  reportHref,
  tableRegion,
} from '../components.ts';
import { beijingTime, externalLink, outcomeBadge } from '../labels.ts';
import { type Html, page } from '../layout.ts';

const compareHref = (bodyId: string, year: number): string => `${bodyHref(bodyId)}/compare/${year}`;

function yearsTable(detail: BodyDetail, years: BodyYears): Html {
  const has = new Set(years.years.filter((y) => y.report).map((y) => y.year));
  return tableRegion(
    '各年度结果 Years',
    html`<table id="years" class="stack">
<caption>各年度报告 <span class="en" lang="en">Reports by year</span></caption>
<thead><tr><th scope="col">年度 Year</th><th scope="col">结果 Outcome</th><th scope="col">期限 Deadline</th><th scope="col">发布日期 Page date</th><th scope="col" class="num">问题 Findings</th><th scope="col">查看 Open</th></tr></thead>
<tbody>${years.years.map(
      (
        y,
      ) => html`<tr id="year-${y.year}"><th scope="row">${y.year}</th><td data-label="结果 outcome">${outcomeBadge(y.outcome)}</td>
<td data-label="期限 deadline"><span>${y.deadline.date}${y.deadline.verified ? '' : html` <span class="muted">(未核实 unverified)</span>`}<br><span class="muted">${y.deadline.basis}</span></span></td>
<td data-label="发布日期 page date">${y.publishedAt ?? '—'}</td><td class="num" data-label="问题 findings">${y.findings.length}</td>
<td data-label="查看 open"><span>${y.report ? html`<a href="${reportHref(detail.body.id, y.year)}">报告 <span lang="en">report</span></a>` : '—'}${
        y.report && has.has(y.year - 1)
          ? html`<br><a href="${compareHref(detail.body.id, y.year)}">与${y.year - 1}年对比 <span lang="en">vs ${y.year - 1}</span></a>`
          : ''
      }</span></td></tr>`,
    )}</tbody></table>`,
  );
}

function yearSection(bodyId: string, y: YearView): Html {
  return html`<section aria-labelledby="y${y.year}-h">
<h3 id="y${y.year}-h">${y.year}年度 ${outcomeBadge(y.outcome)}</h3>
${
  y.report
    ? html`<p><a href="${reportHref(bodyId, y.year)}">${y.report.title}</a><br>
<span class="muted">来源 <span lang="en">source</span>: ${externalLink(y.report.url)} · 首次发现 first seen ${beijingTime(y.report.firstSeen)}${
        y.report.revisions > 1
          ? html` · <a href="${reportHref(bodyId, y.year)}#revisions">${y.report.revisions} 个版本(有修改) <span lang="en">versions: see the changes</span></a>`
          : ''
      }</span></p>`
    : ''
}
${y.reasons.length ? html`<p>无法判定的原因 <span lang="en">why inconclusive</span>:</p><ul>${y.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
${y.findings.length ? y.findings.map((f) => findingBlock(f, { reportLink: true })) : html`<p class="muted">没有发现问题。 <span lang="en">No finding.</span></p>`}
</section>`;
}

/** `/bodies/:id`: one body, its years, findings with evidence, crawl health and check log. */
export function bodyPage(detail: BodyDetail, years: BodyYears): Html {
  const b = detail.body;
  const scopes = [...b.parents].reverse();
  return page(
    { title: b.name, scripts: ['table'] },
    html`${parentChain(b)}
<h1>${b.name}</h1>
<dl class="facts">
<dt>年报栏目 <span lang="en">report column</span></dt><dd>${externalLink(b.listingUrl)}</dd>
<dt>判定日期 <span lang="en">judged on</span></dt><dd>${years.today}</dd>
</dl>
<ul class="links">
<li><a href="/subscribe?scope=${encodeURIComponent(b.id)}">订阅该机关的提醒 <span lang="en">Alerts for this body</span></a></li>
${scopes.map((p) => html`<li><a href="/subscribe?scope=${encodeURIComponent(p.code)}">订阅${p.name} <span lang="en">alerts for ${p.name}</span></a></li>`)}
</ul>
<h2>各年度 <span class="en" lang="en">Years</span></h2>
${years.years.length ? yearsTable(detail, years) : html`<p class="muted">尚无需要判定的年度。 <span lang="en">No year is due yet.</span></p>`}
<h2>发现的问题 <span class="en" lang="en">Findings</span></h2>
${years.years.filter((y) => y.findings.length || y.report || y.reasons.length).map((y) => yearSection(b.id, y))}
<h2>抓取状态 <span class="en" lang="en">Crawl health</span></h2>
${healthFacts(detail.health)}
<h3>检查记录 <span class="en" lang="en">Check log (proof of absence)</span></h3>
<p class="muted">每次检查都有记录(包括未变化的304)。"未发布"的结论只依据读完了栏目的检查。
<span lang="en">Every check is logged, 304s included; "missing" rests only on a check that read the listing to its end.</span></p>
${checkLogTable(detail.recentChecks)}`,
  );
}
