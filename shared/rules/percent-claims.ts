import { type Count, count, NUM, UNIT, type WholeReading, wholeCandidates } from './percent-bases.ts';

export type { Count, WholeReading } from './percent-bases.ts';

import type { TextView } from './text-view.ts';

const PCT = String.raw`(\d+(?:\.\d+)?)%`;

/** A stated percentage with the count it is of and every whole it may reasonably be a share of. */
export interface PercentClaim {
  stated: number;
  /** Decimals as written (`3.2%` → 1). */
  decimals: number;
  part: Count;
  /** The reading shown when the claim fails: the first confident reading, else the first. */
  whole: Count;
  wholes: WholeReading[];
  /** View span of `57条,占总数的3.2%`. */
  start: number;
  end: number;
}

/**
 * Two shapes, each with every whole the text allows (issue 10, item 1: the base of a share is the nearest
 * stated whole its part belongs to, not the first total of the text; when one reading makes the figure
 * right there is no error):
 * - a share, `…57条,占总数的3.2%` — wholes from percent-bases.ts: the head of its 其中 list, a "在…的N条…中"
 *   frame, an earlier count whose label the part's label contains (主动公开500条 … 各部门主动公开320条), a
 *   共/总/合计 count of its sentence;
 * - a rate, `办结41859件,其中,即日办结33060件,即日办结率为100%` — the part is the count right after the
 *   rate's name (即日办结), the whole the count after a shorter tail of that name (办结) standing on its own.
 */
export function percentClaims(view: TextView): PercentClaim[] {
  return [...shareClaims(view), ...rateClaims(view)].sort((a, b) => a.start - b.start);
}

function shareClaims(view: TextView): PercentClaim[] {
  const text = view.text;
  const out: PercentClaim[] = [];
  const re = new RegExp(`${NUM}${UNIT},?占(?:总数|总量|全部|总)?的?(?:比[例重])?(?:为)?${PCT}`, 'g');
  const claims: Array<{ m: RegExpExecArray; part: Count }> = [];
  for (let m = re.exec(text); m; m = re.exec(text)) claims.push({ m, part: count(m, 1, 2, 0) });
  for (const { m, part } of claims) {
    const siblings = claims.map((c) => c.part);
    const wholes = wholeCandidates(text, part, siblings);
    const first = wholes.find((w) => w.confident) ?? wholes[0];
    if (!first) continue;
    out.push({
      stated: Number(m[3]),
      decimals: (m[3]?.split('.')[1] ?? '').length,
      part,
      whole: first.count,
      wholes,
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}

function rateClaims(view: TextView): PercentClaim[] {
  const text = view.text;
  const out: PercentClaim[] = [];
  const re = new RegExp(String.raw`(\p{Script=Han}{2,8})率(?:为|是|达到了|达到|达)?${PCT}`, 'gu');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1] ?? '';
    // The sentence start, found by a bounded backward scan (no lastIndexOf to the start of the text).
    let sentenceStart = m.index;
    while (
      sentenceStart > 0 &&
      m.index - sentenceStart < 400 &&
      !/[。\n;]/.test(text[sentenceStart - 1] ?? '')
    )
      sentenceStart -= 1;
    const before = text.slice(sentenceStart, m.index);
    const claim = rateClaim(name, before, sentenceStart);
    if (claim) {
      const stated = m[2] ?? '';
      out.push({
        ...claim,
        wholes: [{ count: claim.whole, confident: true, how: 'rate' }],
        stated: Number(stated),
        decimals: (stated.split('.')[1] ?? '').length,
        start: claim.part.start - name.length,
        end: m.index + m[0].length,
      });
    }
  }
  return out;
}

/** Where a name starts as a word: after a non-Han character or after an opener such as 其中/共/已. */
const WORD_START = String.raw`(?:(?<!\p{Script=Han})|(?<=(?:其中|共计|共|已|累计|另|均|全年|本年)))`;
/** The object a verb may name before its count: 办结[政府信息公开申请]12件. */
const OBJECT = '(?:政府信息公开申请|信息公开申请|依申请公开申请|申请|政府信息|信息)?';

function rateClaim(
  name: string,
  before: string,
  offset: number,
): Pick<PercentClaim, 'part' | 'whole'> | null {
  for (let cut = 0; cut + 2 <= name.length; cut += 1) {
    const x = name.slice(cut);
    // The name must stand as a word (after punctuation, or after 其中/共/已…: "其中按时办结10件"), so 办结
    // never matches inside 提前办结.
    const partM = [...before.matchAll(new RegExp(`${WORD_START}${x}${NUM}${UNIT}`, 'gu'))].at(-1);
    if (!partM) continue;
    const part = count(partM, 1, 2, offset + x.length);
    for (let tail = 1; x.length - tail >= 2; tail += 1) {
      const y = x.slice(tail);
      // The whole may name its object between verb and count: "共办结政府信息公开申请12件".
      const wholeRe = new RegExp(`${WORD_START}(?:共|已|累计|共计)?${y}${OBJECT}${NUM}${UNIT}`, 'gu');
      const wholeM = [...before.slice(0, partM.index).matchAll(wholeRe)].at(-1);
      if (!wholeM) continue;
      const digits = (wholeM[1] ?? '').length + (wholeM[2] ?? '').length;
      const whole = count(wholeM, 1, 2, offset + wholeM[0].length - digits);
      if (whole.unit === part.unit && whole.value >= part.value) return { part, whole };
    }
    return null;
  }
  return null;
}
