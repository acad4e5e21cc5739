import type { Finding } from '#shared/domain/finding.ts';
import type { Damage, ParsedReport } from '#shared/domain/report.ts';
import { finding, MAX_EVIDENCE } from './findings.ts';
import { matchAll, quoteOriginal, toOriginal, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

export const placeholderUnfilled: Rule = {
  id: 'placeholder.unfilled',
  severity: 'warning',
  description: {
    zh: '发布系统的默认占位内容未填写(请选择、XX、×××、空的发布机构)',
    en: 'CMS placeholders were left in place (请选择, XX, ×××, an empty 发布机构)',
  },
  run: runPlaceholder,
};

export const textGarbled: Rule = {
  id: 'text.garbled',
  severity: 'warning',
  description: {
    zh: '正文存在乱码或编码损坏(??、�、夹杂拼音、***)',
    en: 'The text shows encoding damage (??, �, stray pinyin, ***)',
  },
  run: runGarbled,
};

const META_LABEL =
  /^(发布日期|发文日期|成文日期|生成日期|发布时间|公开方式|公开范围|公开时限|有效性|索引号|文号|主题分类|关键字|关键词|所属机构|信息来源|浏览次数|分类|标题)/;
/** A CMS prompt left in a field: `请选择` (an unselected drop-down), `--请选择--`, `请输入…`, `请填写…`. */
const PROMPT = /请(?:选择|输入|填写)/;
/**
 * `XX`/`×××` standing for a name, number or date never filled in. Outside the metadata block it must touch
 * a Han character or digit (`XX县`, `20XX年`) so Latin words and roman numerals never match; a metadata
 * value made of nothing else (`文号: XX`) is a placeholder by itself.
 */
const CROSSES = /(?<![A-Za-z])(?:[Xx]{2,}|×{2,}|╳{2,})(?![A-Za-z])/;

type Hit = { start: number; end: number; what: string; where: string };

/**
 * Placeholders in the page's metadata block (ParsedReport.meta) and in the text. Only clear defaults count:
 * 请选择-style prompts, XX/×××, and an empty 发布机构. `无` and an empty 文号/索引号/来源 are not flagged:
 * many documents genuinely have no 文号, and 无 is a legitimate answer. Seed 001: 信息来源 请选择.
 */
function runPlaceholder({ report }: RuleContext): Finding[] {
  const hits: Hit[] = [...metaPlaceholders(report), ...textPlaceholders(report)];
  // The text scan sees the metadata block too (it is part of originalText): keep the meta hit.
  hits.sort((a, b) => a.start - b.start || (a.where.startsWith('meta') ? -1 : 1));
  const kept: Hit[] = [];
  for (const h of hits) if (h.start >= (kept.at(-1)?.end ?? 0)) kept.push(h);
  if (kept.length === 0) return [];
  const kinds = [...new Set(kept.map((h) => h.what))];
  return [
    finding(
      placeholderUnfilled,
      {
        zh: `页面保留了未填写的占位内容:${kinds.join('、')}`,
        en: `Unfilled placeholder(s) left on the page: ${kinds.join(', ')}`,
      },
      kept.slice(0, MAX_EVIDENCE).map((h) => quoteOriginal(report.originalText, h.start, h.end, h.where)),
    ),
  ];
}

function metaPlaceholders(report: ParsedReport): Hit[] {
  const hits: Hit[] = [];
  for (const m of report.meta) {
    const where = `meta ${m.label}`;
    if (m.label === '发布机构' && m.value.trim() === '')
      hits.push({ start: m.start, end: m.end, what: '发布机构(空)', where });
    else if (PROMPT.test(m.value) || /^\s*(?:[Xx]{2,}|[×╳*]{2,})\s*$/.test(m.value))
      hits.push({ start: m.valueStart, end: m.valueEnd, what: m.value.trim(), where });
    else if (CROSSES.test(m.value) && /[\p{Script=Han}\d]/u.test(m.value))
      hits.push({ start: m.valueStart, end: m.valueEnd, what: 'XX', where });
  }
  return hits;
}

function textPlaceholders(report: ParsedReport): Hit[] {
  const view = viewOf(report);
  const hits: Hit[] = [];
  const push = (start: number, end: number, what: string): void => {
    const sp = toOriginal(view, start, end);
    hits.push({ ...sp, what, where: 'text' });
  };
  for (const m of matchAll(view, /请选择/)) push(m.index, m.index + m[0].length, '请选择');
  for (const m of matchAll(view, CROSSES)) {
    const before = view.text[m.index - 1] ?? '';
    const after = view.text[m.index + m[0].length] ?? '';
    if (/[\p{Script=Han}\d]/u.test(before + after)) push(m.index, m.index + m[0].length, m[0]);
  }
  // A scraped page whose metadata block could not be read as label/value pairs.
  if (report.meta.length === 0)
    for (const m of matchAll(view, /发布机构[\s:|]*/)) {
      const rest = view.text.slice(m.index + m[0].length);
      if (rest.length === 0 || META_LABEL.test(rest)) push(m.index, m.index + m[0].length, '发布机构(空)');
    }
  return hits;
}

const TONE = 'āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ';
/** Detected on the original text (the view strips pinyin noise). */
const GARBLE: Array<{ kind: Damage['kind']; pattern: RegExp }> = [
  // `??` anywhere but a URL query; a lone `?` only between a Han character and a Han character or digit,
  // where a genuine question mark (full-width ？ in Chinese prose) cannot stand.
  {
    kind: 'question-marks',
    pattern: /(?<![A-Za-z0-9=&/])\?{2,}|(?<=\p{Script=Han})\?(?=[\p{Script=Han}\d])/gu,
  },
  { kind: 'replacement-char', pattern: /\uFFFD+/g },
  {
    kind: 'pinyin-noise',
    pattern: new RegExp(`(?<=\\p{Script=Han})[(（][a-z${TONE}]*[${TONE}][a-z${TONE}]*[)）]`, 'gu'),
  },
  { kind: 'masked', pattern: /\*{3,}/g },
];
/** A question word shortly before a lone `?` makes it a genuine question mark: 是否公开?另请… */
const QUESTION = /(是否|吗|呢|什么|怎么|如何|哪|为何|能否|可否|有没有)[^。,;!\n]{0,10}$/;
const COUNTED: ReadonlySet<Damage['kind']> = new Set([
  'question-marks',
  'replacement-char',
  'pinyin-noise',
  'masked',
]);

/**
 * Encoding damage, from the parser's `damage` and our own scan (merged, so the parser and the rule never
 * double count). Traditional characters and digits lost in scraping are not garbling. Nearby hits are
 * merged and quoted with a little context so the quote is readable (`索??引??號(hào)`).
 */
function runGarbled({ report }: RuleContext): Finding[] {
  const text = report.originalText;
  const spans: Array<{ start: number; end: number; kind: Damage['kind'] }> = [];
  for (const d of report.damage)
    if (COUNTED.has(d.kind)) spans.push({ start: d.start, end: d.end, kind: d.kind });
  for (const { kind, pattern } of GARBLE)
    for (const m of text.matchAll(pattern)) {
      if (m[0] === '?' && QUESTION.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
      spans.push({ start: m.index, end: m.index + m[0].length, kind });
    }
  if (spans.length === 0) return [];
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const counts = new Map<Damage['kind'], number>();
  const merged: Array<{ start: number; end: number }> = [];
  let lastEnd = -1;
  for (const s of spans) {
    if (s.start < lastEnd) continue; // same damage reported twice
    counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    lastEnd = s.end;
    const prev = merged.at(-1);
    if (prev && s.start - prev.end <= 4) prev.end = Math.max(prev.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  const summary = [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
  return [
    finding(
      textGarbled,
      { zh: `正文存在编码损坏(${summary})`, en: `The text shows encoding damage (${summary})` },
      merged.slice(0, MAX_EVIDENCE).map((m) => {
        // Two characters of context each side, never across white space, so the quote reads as a phrase.
        let start = m.start;
        while (start > 0 && m.start - start < 2 && !/\s/.test(text[start - 1] ?? ' ')) start -= 1;
        let end = m.end;
        while (end < text.length && end - m.end < 2 && !/\s/.test(text[end] ?? ' ')) end += 1;
        return quoteOriginal(text, start, end, 'text');
      }),
    ),
  ];
}
