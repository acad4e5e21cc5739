import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { finding } from './findings.ts';
import {
  FEE_ELSEWHERE,
  FEE_STATEMENT,
  TABLE_MARKERS,
  TABLE2_2019_ONLY,
  TABLE2_2021,
  TEMPLATE_2019_FROM,
  TEMPLATE_2021_FROM,
  TEMPLATE_SECTIONS,
} from './knowledge/templates.ts';
import { oldTemplateMissingParts } from './old-template.ts';
import { buildView, quoteOriginal, quoteView, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

const rule = (id: string, zh: string, en: string, run: Rule['run']): Rule => ({
  id,
  severity: 'warning',
  description: { zh, en },
  run,
});

/** Only reports for 2019 on are held to the national template; older structures vary too much to judge. */
function templated(report: ParsedReport): boolean {
  return (
    report.year !== null &&
    report.year >= TEMPLATE_2019_FROM &&
    (report.format === '2019' || report.format === '2021')
  );
}

export const templateOutdated = rule(
  'template.outdated',
  '报告使用了已废止的模板(2019年起仍用旧体例,或2021年起仍用2019年试行表二)',
  'The report uses a superseded template (pre-2019 structure for 2019+, or the 2019 Table 二 for 2021+)',
  ({ report }) => {
    const view = viewOf(report);
    if (report.year === null || report.year < TEMPLATE_2019_FROM) return [];
    const old = TABLE2_2019_ONLY.exec(view.text);
    if (report.year >= TEMPLATE_2021_FROM && old && !TABLE2_2021.test(view.text))
      return [
        finding(
          templateOutdated,
          {
            zh: `${report.year}年度报告仍使用2019年试行模板的表二(“${old[0]}”),应使用国办公开办函〔2021〕30号模板`,
            en: `The ${report.year} report still uses the 2019 Table 二 ("${old[0]}"); the 2021 template applies`,
          },
          [quoteView(view, old.index, old.index + old[0].length, 'table 二')],
        ),
      ];
    // A pre-2019 structure with none of the new tables' text: the old six parts, not the 2019 template.
    if (
      report.format === 'pre2019' &&
      report.attachments.length === 0 &&
      !Object.values(TABLE_MARKERS).some((m) => m.test(view.text))
    )
      return [
        finding(
          templateOutdated,
          {
            zh: `${report.year}年度报告仍按2008年条例的旧体例编写,未使用2019年起的统一模板`,
            en: `The ${report.year} report follows the pre-2019 structure, not the national template in force since 2019`,
          },
          [{ quote: report.title, where: 'title' }],
        ),
      ];
    return [];
  },
);

export const templateMissingSection = rule(
  'template.missing-section',
  '报告缺少模板规定的章节(2008年条例六部分:仅限无标题且全文未提及者)',
  'A section required by the template is missing (a 2008 six-part report: only a part no heading names and the text never mentions)',
  ({ report }) => {
    if (report.format === 'pre2019') return oldTemplateMissingParts(templateMissingSection, report);
    if (!templated(report) || report.missingSections.length === 0) return [];
    const names = report.missingSections.map((id) => TEMPLATE_SECTIONS.find((s) => s.id === id)?.name ?? id);
    return [
      finding(
        templateMissingSection,
        {
          zh: `报告缺少章节:${names.join('、')}`,
          en: `Missing section(s): ${report.missingSections.join(', ')}`,
        },
        names.map((n) => ({ quote: n, where: 'structure (template section not found)' })),
      ),
    ];
  },
);

export const templateMissingTable = rule(
  'template.missing-table',
  '报告缺少模板规定的统计表(表二、表三、表四)',
  'A table required by the template (二, 三, 四) is missing',
  ({ report }) => {
    if (!templated(report)) return [];
    const view = viewOf(report);
    // Tables often live in an attachment or an image: then absence from the text proves nothing.
    if (report.attachments.length > 0 || /见附件|详见附表|附表/.test(view.text)) return [];
    const f = report.figures;
    const parsed = { 二: f.active, 三: f.applications, 四: f.reviews };
    const missing = (['二', '三', '四'] as const).filter(
      (t) => parsed[t] === null && !TABLE_MARKERS[t].test(view.text),
    );
    if (missing.length === 0) return [];
    return [
      finding(
        templateMissingTable,
        { zh: `报告缺少表${missing.join('、表')}`, en: `Missing table(s): ${missing.join(', ')}` },
        missing.map((t) => ({ quote: `表${t}`, where: 'structure (table not found in the text)' })),
      ),
    ];
  },
);

export const templateEmptySection = rule(
  'template.empty-section',
  '模板规定的章节有标题而无内容',
  'A required section is present but empty',
  ({ report }) => {
    if (!templated(report)) return [];
    // 六 may fairly say nothing beyond "无" (its fee statement is text.fee-unexplained's business).
    const empty = report.sections.filter(
      (s) => s.empty && s.id !== '六' && TEMPLATE_SECTIONS.some((t) => t.id === s.id),
    );
    if (empty.length === 0) return [];
    return [
      finding(
        templateEmptySection,
        {
          zh: `章节${empty.map((s) => s.heading).join('、')}无实质内容`,
          en: `Section(s) ${empty.map((s) => s.id).join(', ')} are empty`,
        },
        empty.map((s) => quoteOriginal(report.originalText, s.start, s.end, `section ${s.id}`)),
      ),
    ];
  },
);

export const textFeeUnexplained = rule(
  'text.fee-unexplained',
  '2021年模板要求在第六部分说明信息处理费收取情况,报告未说明',
  'Under the 2021 template section 六 must state the 信息处理费 charged; the report does not',
  runFee,
);

/**
 * Section 六 must account for 信息处理费 (Table 二(八) 行政事业性收费 is the body's ordinary fees, not
 * this). Silent 六 → finding; if 信息处理费 is stated elsewhere, that passage is quoted too. A report with
 * no section 六 at all is template.missing-section's finding, not this one.
 */
function runFee({ report }: RuleContext): Finding[] {
  if (!templated(report) || (report.year ?? 0) < TEMPLATE_2021_FROM) return [];
  const six = report.sections.find((s) => s.id === '六');
  if (!six) return [];
  const body = report.originalText.slice(six.start, six.end);
  if (FEE_STATEMENT.test(buildView(body).text)) return [];
  const view = viewOf(report);
  const elsewhere = FEE_ELSEWHERE.exec(view.text);
  const quoteEnd = Math.min(six.end, six.start + 120);
  return [
    finding(
      textFeeUnexplained,
      {
        zh: `第六部分未说明信息处理费收取情况${elsewhere ? '(收费情况写在了其他部分)' : ''}`,
        en: `Section 六 does not state the 信息处理费 charged${elsewhere ? ' (a fee is mentioned elsewhere)' : ''}`,
      },
      [
        quoteOriginal(report.originalText, six.start, quoteEnd, 'section 六'),
        ...(elsewhere
          ? [quoteView(view, elsewhere.index, elsewhere.index + elsewhere[0].length, 'text (outside 六)')]
          : []),
      ],
    ),
  ];
}
