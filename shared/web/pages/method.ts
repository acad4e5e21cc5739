import { html } from 'hono/html';
import { OUTCOME_LABELS, OUTCOME_ORDER, outcomeBadge, SEVERITY_LABELS, severityBadge } from '../labels.ts';
import { type Html, page } from '../layout.ts';

/**
 * `/method`: how the scoreboard counts, in plain words (the rules themselves: docs/domain.md; the
 * scoreboard's versioned method: the read model's `method` field, shown beside the counts).
 */
export function methodPage(methodVersion: string | null): Html {
  return page(
    { title: '方法说明 Method', current: 'method' },
    html`<h1>方法说明 <span class="en" lang="en">How the scoreboard is made</span></h1>
<p class="lead">nianbao-watch 定期读取各机关门户网站的"政府信息公开工作年度报告"栏目,存档每一个页面,
把报告解析成数字和文字,按法定期限判断每个年度的结果,并用规则检查报告内容。
<span lang="en">nianbao-watch reads each body's annual-report column, archives every page, parses each report,
judges each year against its legal deadline and checks the report's content with rules.</span></p>
${methodVersion ? html`<p class="muted">计分方法版本 <span lang="en">Method version</span>: <code>${methodVersion}</code></p>` : ''}

<h2>法定期限 <span class="en" lang="en">Deadlines</span></h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="法定期限 Deadlines">
<table>
<caption>年度报告的发布期限 <span class="en" lang="en">When a year's report is due</span></caption>
<thead><tr><th scope="col">报告年度 Year</th><th scope="col">机关 Body</th><th scope="col">期限(次年) Deadline</th><th scope="col">依据 Basis</th></tr></thead>
<tbody>
<tr><td>≤ 2018</td><td>所有行政机关 every body</td><td>3月31日</td><td>2008年《政府信息公开条例》第三十一条</td></tr>
<tr><td>≥ 2019</td><td>县级以上人民政府部门 departments</td><td>1月31日</td><td>2019年《条例》第四十九条第一款</td></tr>
<tr><td>≥ 2019</td><td>县级以上地方人民政府 governments</td><td>3月31日</td><td>2019年《条例》第四十九条第二款</td></tr>
<tr><td>≥ 2019</td><td>乡镇、街道 townships</td><td>3月31日(未核实 unverified)</td><td>无全国统一期限;登记了地方规定的以其为准</td></tr>
</tbody></table></div>

<h2>年度结果 <span class="en" lang="en">Outcome of a year</span></h2>
<p>只有"未发布"和"逾期"是对机关的指责,所以二者都必须有证据。
<span lang="en">Only <em>missing</em> and <em>late</em> accuse a body, so each carries its proof.</span></p>
<dl class="facts">
${OUTCOME_ORDER.map((o) => html`<dt>${outcomeBadge(o)}</dt><dd>${OUTCOME_LABELS[o].hint}。</dd>`)}
</dl>
<p><strong>"未发布"需要证明。</strong>最近一次检查把年报栏目读到了末页(或读到了更早的年度),
没有未读的框架页、无法解析的翻页、失败的栏目页或未解析的候选链接,栏目里至少有一份报告,页面文字也没有提到该年度的报告而缺少链接。
否则该年度为"无法判定",只通知管理员,不通知订阅者。网站打不开时为"无法访问",绝不算"未发布"。
<span lang="en">A year is called missing only when the latest check read the listing to its end with nothing left
unread; otherwise it is inconclusive (admins are told, subscribers are not). A portal that cannot be read is
unreachable, never missing.</span></p>
<p>默认只检查最近一个已过期限的年度(登记表的 <code>watchFrom</code> 可以更早)。
页面没有日期的报告记为"未注明日期",不算按时。
<span lang="en">By default only the latest year past its deadline is checked. A report with no page date is
undated, never on time.</span></p>

<h2>发现的问题 <span class="en" lang="en">Findings</span></h2>
<p>规则检查报告本身:数字是否相加一致、百分比是否等于"部分 ÷ 总数"(四舍五入后相差不超过0.1个百分点)、
表格间的勾稽关系、是否出现其他地区的名称、未填的模板文字、被植入的赌博广告、乱码、网站是否为被劫持的镜像等。
每一项都引用报告原文并给出计算过程,原文可在证据页查看存档。
<span lang="en">Rules check the report itself: sums, stated percentages against their count and total (±0.1 point),
the template's table identities, another jurisdiction's name, unfilled placeholders, injected spam, garbled
text, hijacked mirrors. Each finding quotes the report and shows its arithmetic; the evidence page shows the
archived copy.</span></p>
<dl class="facts">
${(['error', 'warning', 'info'] as const).map(
  (s) =>
    html`<dt>${severityBadge(s)}</dt><dd>${
      s === 'error'
        ? '确定的错误,如数字不相加、植入广告'
        : s === 'warning'
          ? '很可能有问题,需要人工核对'
          : '值得注意,通常不是错误(如数字大幅变动)'
    } <span lang="en">(${SEVERITY_LABELS[s].en})</span></dd>`,
)}
</dl>

<h2>榜单怎么计数 <span class="en" lang="en">How the scoreboard counts</span></h2>
<p>选定一个年度和范围(全国、省、市、县),按下一级行政区汇总:每个机关在该年度的结果计一次,
报告中的问题按严重程度计数。导出的 CSV 和订阅源与页面显示的是同一范围。
<span lang="en">For a year and a scope, each jurisdiction one level down counts each body's outcome once and
its report's findings by severity. The CSV and the feed linked from the page cover the same view.</span></p>
<p><a href="/">查看榜单 <span lang="en">Open the scoreboard</span></a></p>`,
  );
}
