import type { Body } from '#shared/domain/body.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { otherBodySigns } from './copy-sources.ts';
import { finding, MAX_EVIDENCE } from './findings.ts';
import { ownArea } from './jurisdiction.ts';
import { type Area, AUTONOMOUS_REGIONS, selfWordOf, siblingsOf } from './knowledge/divisions.ts';
import { matchAll, quoteView, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

export const copyOtherBody: Rule = {
  id: 'copy.other-body',
  severity: 'warning',
  description: {
    zh: '报告以其他行政区的口吻自称(如县级部门写“本区”“全区”、提及同级兄弟区县),疑似套用他人报告',
    en: 'The report speaks as another jurisdiction (a county body writing 本区/全区, naming a sibling district): likely copied',
  },
  run: runOtherBody,
};

/** Bureaus a body names by its own area word (区社保局, 县财政局). A closed list: 保护区管理局 is not one. */
const BUREAU =
  '(?:社保|人社|财政|公安|教育|教体|卫健|卫生|民政|环保|生态环境|住建|交通|交通运输|水利|水务|农业|农业农村|林业|商务|审计|统计|司法|文旅|文化|市场监管|应急|应急管理|自然资源|发改|工信|医保|税务|城管|信访|人防|档案)局';

/**
 * Words a body uses for itself, by the word of the area it is NOT. The bare forms (区政府, 区社保局) must
 * follow punctuation or 我/本, so 社区, 城区, 开发区, 保护区管理局, 各县区 never match.
 */
const FOREIGN_SELF: Record<'县' | '区', RegExp> = {
  区: new RegExp(
    `(?:本|全|我)区(?![域县内外级])|(?:(?<!\\p{Script=Han})|(?<=[我本]))区(?:人民政府|政府|委|直|${BUREAU})`,
    'u',
  ),
  县: new RegExp(
    `(?:本|全|我)县(?![域区市级])|(?:(?<!\\p{Script=Han})|(?<=[我本]))县(?:人民政府|政府|委|直|${BUREAU})`,
    'u',
  ),
};

/**
 * Two independent signals are required before calling a report copied, because a single 全区 can be a
 * quotation: either two self-references of the wrong kind, or one plus a sibling area named as a place of
 * its own (seed 001, 靖远县人社局: 区社保局, 全区, 白银区子网站). Sibling names alone are not enough (a county
 * report may well mention its neighbours). Skipped where the wrong word is legitimate: autonomous regions
 * (全区 = the region), county-level cities (市 is also the parent city), 旗.
 */
function runOtherBody(ctx: RuleContext): Finding[] {
  const view = viewOf(ctx.report);
  const signs = otherBodySigns(view, ctx.report, ctx.body);
  const words = selfWords(ctx);
  if (signs.length === 0) return words;
  const quotes = signs.map((e) => e.quote);
  return [
    finding(
      copyOtherBody,
      {
        zh: `报告以其他机关的身份行文:${quotes.join('、')},疑似套用其他机关的报告`,
        en: `The report speaks as another body (${quotes.join('; ')}): likely copied from another body's report`,
      },
      [...signs, ...(words[0]?.evidence ?? [])].slice(0, MAX_EVIDENCE),
    ),
  ];
}

function selfWords({ report, body }: RuleContext): Finding[] {
  const area = ownArea(report, body);
  if (!area || AUTONOMOUS_REGIONS.has(area.provinceCode)) return [];
  const own = selfWordOf(area);
  const foreign = own === '县' ? '区' : own === '区' ? '县' : null;
  if (!foreign || namesItselfAs(foreign, report, body)) return [];
  const view = viewOf(report);
  const selfHits = [...matchAll(view, FOREIGN_SELF[foreign])].filter(
    (m) => !m[0].includes(area.name) && !siblingNameAround(view.text, m.index, area),
  );
  const siblings = siblingsOf(area);
  const siblingHits = siblings.flatMap((s) => [...matchAll(view, new RegExp(escapeRegExp(s.name)))]);
  if (selfHits.length + Math.min(siblingHits.length, 1) < 2 || selfHits.length === 0) return [];
  const hits = [...selfHits, ...siblingHits].sort((a, b) => a.index - b.index);
  const named = [...new Set(siblingHits.map((m) => m[0]))];
  return [
    finding(
      copyOtherBody,
      {
        zh: `${area.name}的报告以“${foreign}”自称${selfHits.length}处${named.length ? `,并提及同市的${named.join('、')}` : ''},疑似套用其他区县的报告`,
        en: `A report for ${area.name} (a ${own}) refers to itself as a ${foreign} ${selfHits.length} time(s)${named.length ? ` and names ${named.join(', ')} of the same city` : ''}: likely copied from another body`,
      },
      hits.slice(0, MAX_EVIDENCE).map((m) => quoteView(view, m.index, m.index + m[0].length, 'text')),
    ),
  ];
}

/**
 * Zones registered under a county's division code (综合实验区, 新区, 开发区, 高新区, 园区, 管理区 …) are
 * 区 by their own name and rightly write 本区/全区 of themselves; a 区-level body named 县 likewise. The
 * body's own registered name (and the parser's issuer and the title) decide, not the division's (issue 10,
 * item 2: a 综合实验区 under a county code was told it "refers to itself as a 区" on 9 of 10 reports).
 */
function namesItselfAs(word: '县' | '区', report: ParsedReport, body: Body | null): boolean {
  const names = [body?.name, report.issuer.name, report.title].filter((n): n is string => Boolean(n));
  const re = word === '区' ? ZONE_NAME : /[\p{Script=Han}]{1,8}县(?!级|区)/u;
  return names.some((n) => re.test(n));
}

const ZONE_NAME =
  /(综合实验区|综合试验区|实验区|试验区|示范区|新区|开发区|高新区|园区|管理区|管委会|保税区|旅游区|度假区|风景区|名胜区|林区|矿区|农场|合作区|功能区)/;

/** `白银区政府` names the sibling outright: counted as a sibling hit, not a self-reference. */
function siblingNameAround(text: string, at: number, area: Area): boolean {
  return siblingsOf(area).some((s) =>
    text.slice(Math.max(0, at - s.name.length + 1), at + 1).endsWith(s.name),
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
