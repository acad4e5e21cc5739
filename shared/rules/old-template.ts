import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { finding } from './findings.ts';
import { TEMPLATE_2019_FROM } from './knowledge/templates.ts';
import { viewOf } from './text-view.ts';
import type { RuleInfo } from './types.ts';

/**
 * The six parts of a report under the 2008 条例 Art. 32 (reports for 2008–2018): 概述; 主动公开; 依申请公开;
 * 收费及减免; 复议和诉讼; 问题及改进. Real reports title them every which way (seed 001: 政府信息公开支出与收费
 * 情况; seed 003: 投诉举报、行政复议、行政诉讼情况), merge two into one, or state a part in a sentence of
 * another (seed 002 has no fee heading but says it charged nothing; seed 004 says no 复议 was filed). So a
 * part is missing only when no heading names it AND the text never mentions its subject: then every
 * reading agrees it is absent. 概述 is never called missing: any opening text serves as one.
 */
const SUBJECTS: ReadonlyArray<{ part: string; mention: RegExp; words: string }> = [
  { part: '主动公开', mention: /主动公开/, words: '主动公开' },
  { part: '依申请公开', mention: /申请/, words: '申请' },
  {
    part: '收费及减免',
    mention: /收费|费用|减免|收取|免收|免费|工本费|检索费|复制费|邮寄费/,
    words: '收费、费用、减免、收取',
  },
  { part: '复议和诉讼', mention: /复议|诉讼|申诉|起诉/, words: '复议、诉讼' },
  {
    part: '问题及改进',
    mention: /问题|不足|改进|下一步|下步|努力方向|薄弱|差距|整改|打算|计划|措施/,
    words: '问题、不足、改进、下一步',
  },
];

/**
 * The text must visibly reach its end before anything is called absent (an article split over pages, or
 * a page that holds a summary with the report in an attachment, shows only its beginning): a heading of
 * the last part (问题及改进, or 其他), or the 统计表 that follows the report.
 */
function reachesEnd(report: ParsedReport): boolean {
  if (report.figures.pre2019) return true;
  return report.sections.some((s) => /问题|不足|改进|其他|打算|计划/.test(s.heading));
}

export function oldTemplateMissingParts(rule: RuleInfo, report: ParsedReport): Finding[] {
  if (report.format !== 'pre2019' || report.year === null || report.year >= TEMPLATE_2019_FROM) return [];
  if (report.attachments.length > 0 || report.sections.length === 0 || !reachesEnd(report)) return [];
  const text = viewOf(report).text;
  if (/见附件|附件[一二三1-3]?[:：]?\s*\S{0,20}年度报告/.test(text)) return [];
  const absent = SUBJECTS.filter((s) => report.missingSections.includes(s.part) && !s.mention.test(text));
  if (absent.length === 0) return [];
  const names = absent.map((s) => s.part);
  return [
    finding(
      rule,
      {
        zh: `报告缺少《政府信息公开条例》(2008)第三十二条规定的内容:${names.join('、')}(无相应标题,全文也未提及)`,
        en: `The report lacks part(s) the 2008 条例 Art. 32 requires: ${names.join(', ')} (no heading, and the text never mentions the subject)`,
      },
      absent.map((s) => ({
        quote: s.part,
        where: `structure (2008 条例 Art. 32 part: no heading names it, and the text never mentions ${s.words})`,
      })),
    ),
  ];
}
