/** A count in the view: `2450条`. */
export interface Count {
  value: number;
  unit: string;
  start: number;
  end: number;
}

/** A whole the part may be a share of, and how the text names it. */
export interface WholeReading {
  count: Count;
  /**
   * True when the sentence itself ties the part to this whole (the part follows its 其中 within the sentence,
   * the whole is marked 共/总/合计 in the same sentence, or "在…的N条…中" frames it). A percentage that fails
   * only against wholes that are not confident readings is reported as uncertain (warning), not as an error.
   */
  confident: boolean;
  /** `其中`, `共`, `…中`, `label`, `rate`: which shape of the text named it. */
  how: string;
}

/** A count's number: `2450`, `9,483`, `1.2万` (12000), `3亿`; one capture group. */
export const NUM = String.raw`((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+(?=[万亿]))?[万亿]?)`;
export const UNIT = '(条|件|个|项|篇|次|人次|份|家|期|场)';

export function count(
  m: RegExpMatchArray & { index: number },
  numGroup: number,
  unitGroup: number,
  offset: number,
): Count {
  const raw = m[numGroup] ?? '';
  const unit = m[unitGroup] ?? '';
  const start = m.index + offset;
  return { value: amount(raw), unit, start, end: start + raw.length + unit.length };
}

/** `1.2万` → 12000, `3亿` → 300000000, `9,483` → 9483. */
export function amount(raw: string): number {
  const scale = raw.endsWith('万') ? 10_000 : raw.endsWith('亿') ? 100_000_000 : 1;
  return Math.round(Number(raw.replace(/[,万亿]/g, '')) * scale);
}

/**
 * A change, not a whole: the count follows 增加/减少/增长/同比/较上年… in its clause ("较上年增加2000条").
 * Such a figure is never the total a 其中 list or a share is of.
 */
export function isChange(text: string, at: number): boolean {
  return CHANGE.test(text.slice(scanBack(text, at, /[,，;；:。\n]/, 24), at));
}
const CHANGE = /增加|减少|增长|下降|上升|降低|提高|同比|环比|较上年|比上年|较去年|比去年|较上一年|多于|少于/;

/**
 * Every whole a stated share may reasonably be of (issue 10, item 1). Evaluators' sums are checked against
 * the base a reader would take; a report that opens with a grand total and a subtotal ("共制作政府信息2000条,
 * 其中主动公开500条") and then breaks the subtotal down ("各部门主动公开320条,占64.0%") means 500, not 2000.
 * Readings, all within the part's paragraph and before it:
 * - `…中`: a frame "在网站公开的500条信息中," around the part;
 * - `其中`: the counts of the clause a 其中 list hangs from (the list's parts must not add up to more);
 * - `label`: an earlier count whose label the part's label contains (主动公开500条 → 各部门主动公开320条);
 * - `共`: a count marked 共/总/合计/累计 in the part's own sentence.
 * Windows are bounded (a paragraph, at most PARAGRAPH characters back), so the work stays linear in the text.
 */
export function wholeCandidates(text: string, part: Count, siblings: readonly Count[]): WholeReading[] {
  const para = scanBack(text, part.start, /\n/, PARAGRAPH);
  const sentence = scanBack(text, part.start, /[。\n]/, PARAGRAPH);
  const prefix = text.slice(para, part.start);
  const out: WholeReading[] = [];
  const add = (c: Count, confident: boolean, how: string): void => {
    if (isChange(text, c.start)) return;
    if (c.unit !== part.unit || c.value < part.value || c.start === part.start) return;
    const known = out.find((o) => o.count.start === c.start);
    if (known) known.confident ||= confident;
    else out.push({ count: c, confident, how });
  };
  const counts = [...prefix.matchAll(new RegExp(`${NUM}${UNIT}`, 'g'))]
    .map((m) => count(m, 1, 2, para))
    .filter((c) => !isChange(text, c.start));

  for (const m of prefix.matchAll(new RegExp(`${NUM}${UNIT}[^。\\n,;]{0,16}?中[,:]`, 'g')))
    add(count(m, 1, 2, para), para + m.index >= sentence, '…中');

  for (const m of prefix.matchAll(/其中/g)) {
    const k = para + m.index;
    const head = headClause(text, k, para);
    const listed = siblings.filter((s) => s.start > k && s.start < sentenceEnd(text, part.end));
    const sum = listed.reduce((acc, s) => acc + s.value, 0);
    const sameSentence = !/[。\n]/.test(text.slice(k, part.start));
    for (const c of counts) if (c.start >= head && c.end <= k && sum <= c.value) add(c, sameSentence, '其中');
  }

  const partLabel = labelBefore(text, part.start, para);
  if (partLabel.length >= 3)
    for (const c of counts) {
      const label = labelBefore(text, c.start, para);
      if (label.length >= 2 && label !== partLabel && partLabel.includes(label) && !GENERIC.has(label))
        add(c, false, 'label');
    }

  for (const c of counts)
    if (c.start >= sentence && TOTAL_MARK.test(text.slice(scanBack(text, c.start, /[,;:。\n]/, 24), c.start)))
      add(c, true, '共');
  return out;
}

const PARAGRAPH = 1500;
const GENERIC = new Set(['信息', '政府信息', '公开', '公开信息', '其他', '其它', '各类', '各类信息']);
const TOTAL_MARK = /(共|总|合计|累计)/;

/** The first index after the nearest `stop` before `from`, looking back at most `limit` characters. */
function scanBack(text: string, from: number, stop: RegExp, limit: number): number {
  let i = from;
  while (i > 0 && from - i < limit && !stop.test(text[i - 1] ?? '')) i -= 1;
  return i;
}

function sentenceEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && i - from < PARAGRAPH && !/[。\n]/.test(text[i] ?? '')) i += 1;
  return i;
}

/** Start of the clause a 其中 at `k` hangs from: the sentence before it when 其中 opens a sentence. */
function headClause(text: string, k: number, floor: number): number {
  let end = k;
  while (end > floor && /[。:,\s]/.test(text[end - 1] ?? '')) end -= 1;
  return Math.max(floor, scanBack(text, end, /[。\n;]/, 400));
}

/** The Han words written right before a count, without 其中/共/全年-style openers: `各部门主动公开`. */
function labelBefore(text: string, at: number, floor: number): string {
  let i = at;
  while (i > floor && at - i < 12 && /\p{Script=Han}/u.test(text[i - 1] ?? '')) i -= 1;
  return text
    .slice(i, at)
    .replace(/^(其中|共计|共|全年|本年度|本年|今年|合计|累计|另有|另)/, '')
    .replace(/(共计|共|为|达|计)$/, '');
}
