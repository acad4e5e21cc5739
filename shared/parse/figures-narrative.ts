import type { Figure, NarrativeKey, StatedPercent } from '#shared/domain/figures.ts';
import { type Doc, span } from './doc.ts';
import { NUM, readNumber } from './numbers.ts';

const STOP = '[^。;；\\n\\d]';
/** Words that may stand between 主动公开 and 信息 in a sentence stating the year's total (not a category). */
const ALL = '(?:政府|各类|各类政府|各项|政务|相关政府)?';
/** 列为依申请公开的信息: information classed as available on request, not applications received. */
const NOT_RECEIVED = '(?<!列为|属于|划为|列入|划入|作为)';
/*
 * Each pattern has the number in group `n` and the unit in group `u`. Headline figures are read only from a
 * sentence that states them (issue 10, item 3): `主动公开招投标信息96条` is a category, not the total, and
 * `列为依申请公开的信息30条` is not a count of applications. When no sentence states a figure it stays
 * absent: rules compare nothing rather than a guess.
 */
const PATTERNS: ReadonlyArray<[NarrativeKey, RegExp[]]> = [
  [
    'active.total',
    [
      new RegExp(
        `主动公开${ALL}信息(?:总数|总量|数量|数)?(?:共计|合计|共|为|达)?\\s*(?<n>${NUM})\\s*(?<u>条|件)`,
        'g',
      ),
      new RegExp(`公开${ALL}信息(?:总数|数)?(?:共计|合计|共|为)\\s*(?<n>${NUM})\\s*(?<u>条)`, 'g'),
      new RegExp(`发布各类(?:政府)?信息\\s*(?<n>${NUM})\\s*(?<u>条)`, 'g'),
    ],
  ],
  [
    'active.cumulative',
    [new RegExp(`(?:历年|累计)${STOP}{0,10}?主动公开${STOP}{0,8}?(?<n>${NUM})\\s*(?<u>条)`, 'g')],
  ],
  [
    'application.received',
    [
      new RegExp(
        `${NOT_RECEIVED}依申请公开(?:政府信息)?(?:申请|事项)?(?:数量|数)?(?:共计|共|为)?\\s*(?<n>${NUM})\\s*(?<u>条|件|项|起)`,
        'g',
      ),
      new RegExp(`(?:收到|接到)${STOP}{0,6}?(?<n>${NUM})\\s*(?<u>件|起|条|项|份)${STOP}{0,6}?申请`, 'g'),
      new RegExp(
        `(?:收到|接到|受理)(?:各类|政府信息公开|信息公开|公开)?申请(?:共计|共|数量为)?\\s*(?<n>${NUM})\\s*(?<u>件|起|条|项|份)`,
        'g',
      ),
    ],
  ],
  ['application.open', [new RegExp(`(?<!部分)予以公开\\s*(?<n>${NUM})\\s*(?<u>件|条|项)`, 'g')]],
  ['application.partial', [new RegExp(`(?<![及和与、])部分公开\\s*(?<n>${NUM})\\s*(?<u>件|条|项)`, 'g')]],
  ['application.in-person', [new RegExp(`当面(?:申请|提出)?\\s*(?<n>${NUM})\\s*(?<u>件|条|项)`, 'g')]],
  [
    'application.online',
    [new RegExp(`(?:网上|网络|在线)(?:申请|提交)?\\s*(?<n>${NUM})\\s*(?<u>件|条|项)`, 'g')],
  ],
  ['application.letter', [new RegExp(`信函(?:申请)?\\s*(?<n>${NUM})\\s*(?<u>件|条|项)`, 'g')]],
  ['review.total', [new RegExp(`行政复议(?:申请|案件)?\\s*(?<n>${NUM})\\s*(?<u>件|起)`, 'g')]],
  ['litigation.total', [new RegExp(`行政诉讼(?:案件)?\\s*(?<n>${NUM})\\s*(?<u>件|起)`, 'g')]],
  ['proposals.handled', [new RegExp(`建议提案\\s*(?<n>${NUM})\\s*(?<u>件)`, 'g')]],
  [
    'service.accepted',
    [new RegExp(`受理${STOP}{0,12}?(?:审批|服务|事项)${STOP}{0,6}?(?<n>${NUM})\\s*(?<u>件)`, 'g')],
  ],
  ['service.closed', [new RegExp(`(?<![\\u4e00-\\u9fff])(?:已|共)?办结\\s*(?<n>${NUM})\\s*(?<u>件)`, 'g')]],
];

function figure(doc: Doc, key: string, m: RegExpExecArray | RegExpMatchArray, group = 'n'): Figure | null {
  const g = m.groups?.[group];
  if (g === undefined || m.index === undefined) return null;
  const value = readNumber(g);
  if (value === null) return null;
  const start = m.index + m[0].lastIndexOf(g, m[0].length - (m.groups?.u?.length ?? 0));
  const sp = span(doc, start, start + g.length);
  return { key, value, unit: m.groups?.u ?? null, raw: sp.raw, start: sp.start, end: sp.end };
}

/** Key figures stated in the prose: the first occurrence of each kind (see NarrativeKey). */
export function findNarrative(doc: Doc, limit: number): Figure[] {
  const text = doc.text.slice(0, limit);
  const out: Figure[] = [];
  for (const [key, patterns] of PATTERNS) {
    let best: Figure | null = null;
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        // "历年累计主动公开…" is the cumulative figure, not this year's.
        if (
          key !== 'active.cumulative' &&
          /累计|历年|至今/.test(text.slice(Math.max(0, m.index - 12), m.index))
        )
          continue;
        const f = figure(doc, key, m);
        if (f && (!best || f.start < best.start)) best = f;
        break;
      }
    }
    if (best) out.push(best);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Stop characters as a set of UTF-16 codes: the backward scans test one code a step, not a regex. */
const codes = (chars: string): ReadonlySet<number> => new Set([...chars].map((c) => c.charCodeAt(0)));
const CLAUSE_END = codes('。;；,，:：\n、');
const SENTENCE_END = codes('。\n');
const COMMA = codes(',，;；');

/**
 * The index after the nearest `stop` character before `from`, looking back at most `limit` characters: every
 * backward scan is bounded, so the parser stays linear in the page (issue 12; `lastIndexOf` ran to the start
 * of the text for each figure).
 */
function backTo(text: string, from: number, stop: ReadonlySet<number>, limit: number): number {
  let i = from;
  while (i > 0 && from - i < limit && !stop.has(text.charCodeAt(i - 1))) i -= 1;
  return i;
}

/** The last `needle` starting in `[from - limit, from)`, or -1. */
function lastWithin(text: string, needle: string, from: number, limit: number): number {
  const at = text.slice(Math.max(0, from - limit), from).lastIndexOf(needle);
  return at < 0 ? -1 : Math.max(0, from - limit) + at;
}

const COUNT = /(?<n>(?:\d{1,3}(?:,\d{3})+|\d+))\s*(?<u>万元|元|人次|条|件|项|个|人|次|家|篇|份)/g;
const PERCENT = /(?<n>\d+(?:\.\d+)?)\s*%/g;

/** Counts (number + unit) in `doc.text[from, to)`, with the label written just before each. */
function countsIn(doc: Doc, from: number, to: number): Array<{ f: Figure; index: number; before: string }> {
  const out: Array<{ f: Figure; index: number; before: string }> = [];
  for (const m of doc.text.slice(from, to).matchAll(COUNT)) {
    const index = from + m.index;
    const clauseStart = Math.max(from, backTo(doc.text, index, CLAUSE_END, 120));
    const before = doc.text.slice(clauseStart, index).replace(/^(其中|全年|共计)/, '');
    const f = figure(doc, before.trim() || 'count', { ...m, index } as RegExpMatchArray);
    if (f) out.push({ f, index, before });
  }
  return out;
}

/**
 * Stated percentages with what they are a share of. Two shapes: a rate ("即日办结33060件,即日办结率为100%":
 * part = the count named like the rate, whole = the count named by its last word, 办结41859件), and a share
 * ("其中…144条,占总数的6%": part = the count just before, whole = the 共/总 count before 其中, else the count
 * just before 其中).
 */
export function findPercentages(doc: Doc, limit: number): StatedPercent[] {
  const text = doc.text;
  const out: StatedPercent[] = [];
  for (const m of text.slice(0, limit).matchAll(PERCENT)) {
    const percent = figure(doc, 'percent', m);
    if (!percent) continue;
    percent.unit = '%';
    const sentenceStart = backTo(text, m.index, SENTENCE_END, 600);
    const clauseStart = Math.max(sentenceStart, backTo(text, m.index, COMMA, 120));
    const clause = text.slice(clauseStart, m.index);
    const rate = /^(?:其中)?(.{1,12}?率)[^\d率]{0,6}$/.exec(clause.trim());
    const window = countsIn(doc, Math.max(0, m.index - 300), m.index);
    const inSentence = window.filter((c) => c.index >= sentenceStart);
    if (rate) {
      const name = rate[1]!.replace(/率$/, '');
      const part =
        [...inSentence].reverse().find((c) => c.before.endsWith(name) || c.before.includes(name)) ?? null;
      let whole = null;
      for (let k = 1; k < name.length - 1 && !whole; k++) {
        const suffix = name.slice(k);
        whole =
          [...window]
            .reverse()
            .find(
              (c) =>
                c !== part &&
                /^(已|共|总)?$/.test(c.before.replace(suffix, '').trim()) &&
                c.before.endsWith(suffix),
            ) ?? null;
      }
      out.push({ label: rate[1]!, percent, part: part?.f ?? null, whole: whole?.f ?? null });
      continue;
    }
    // A share: "…144条,占总数的6%" or "…144条(6%)"; other percentages are kept without part or whole.
    const share = /^(其中|约)?(占|比例|比重)/.test(clause.trim()) || clause.trim() === '';
    const part = share ? (inSentence.filter((c) => c.index >= clauseStart - 60).at(-1) ?? null) : null;
    let whole = null;
    const qizhong = part ? lastWithin(text, '其中', part.index, 300) : -1;
    // The 其中 must open the part's own sentence's list, not an earlier sentence's.
    if (part && qizhong >= sentenceStart) {
      const before = window.filter((c) => c.index < qizhong && c.index >= qizhong - 150);
      whole =
        before.find((c) => /共|总|合计|累计/.test(text.slice(Math.max(0, c.index - 15), c.index))) ??
        before.at(-1) ??
        null;
    }
    const label = part ? part.f.key : clause.replace(/^(占|其中)/, '').trim() || 'percent';
    out.push({ label, percent, part: part?.f ?? null, whole: whole?.f ?? null });
  }
  return out;
}
