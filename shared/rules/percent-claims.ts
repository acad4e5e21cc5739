import type { TextView } from './text-view.ts';

/** A count in the view: `2450条`. */
export interface Count {
  value: number;
  unit: string;
  start: number;
  end: number;
}

/** A stated percentage with the count it is of and the whole it is a share of. */
export interface PercentClaim {
  stated: number;
  /** Decimals as written (`3.2%` → 1). */
  decimals: number;
  part: Count;
  whole: Count;
  /** View span of `57条,占总数的3.2%`. */
  start: number;
  end: number;
}

const NUM = String.raw`(\d{1,3}(?:,\d{3})+|\d+)`;
const UNIT = '(条|件|个|项|篇|次|人次|份|家|期|场)';
const PCT = String.raw`(\d+(?:\.\d+)?)%`;

function count(
  m: RegExpMatchArray & { index: number },
  numGroup: number,
  unitGroup: number,
  offset: number,
): Count {
  const raw = m[numGroup] ?? '';
  const unit = m[unitGroup] ?? '';
  const start = m.index + offset;
  return { value: Number(raw.replace(/,/g, '')), unit, start, end: start + raw.length + unit.length };
}

/**
 * Two shapes only, where the whole can be named without guessing:
 * - a 其中 list, `…共公开…2450条…。其中:…类信息57条,占总数的3.2%;…` — the whole is the first count with
 *   the same unit in the clause before 其中 (one preceded by 共/总/合计 wins), and the listed parts must
 *   not add up to more than it (else the whole was misread and the list is skipped);
 * - a rate, `办结41859件,其中,即日办结33060件,即日办结率为100%` — the part is the count right after the
 *   rate's name (即日办结), the whole the count after a shorter tail of that name (办结) standing on its own.
 */
export function percentClaims(view: TextView): PercentClaim[] {
  return [...shareClaims(view), ...rateClaims(view)].sort((a, b) => a.start - b.start);
}

function shareClaims(view: TextView): PercentClaim[] {
  const text = view.text;
  const groups = new Map<number, PercentClaim[]>();
  const re = new RegExp(`${NUM}${UNIT},?占(?:总数|总量|全部|总)?的?(?:比[例重])?(?:为)?${PCT}`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const part = count(m, 1, 2, 0);
    const k = text.lastIndexOf('其中', m.index);
    if (k < 0 || text.slice(k, m.index).includes('\n') || m.index - k > 400) continue;
    const whole = wholeBefore(text, k, part.unit);
    if (!whole) continue;
    const claim = {
      stated: Number(m[3]),
      decimals: (m[3]?.split('.')[1] ?? '').length,
      part,
      whole,
      start: m.index,
      end: m.index + m[0].length,
    };
    groups.set(k, [...(groups.get(k) ?? []), claim]);
  }
  return [...groups.values()]
    .filter((g) => g.reduce((s, c) => s + c.part.value, 0) <= (g[0]?.whole.value ?? 0))
    .flat();
}

function wholeBefore(text: string, k: number, unit: string): Count | null {
  let end = k;
  while (end > 0 && /[。:,\s]/.test(text[end - 1] ?? '')) end -= 1;
  let start = end;
  while (start > 0 && !/[。\n;]/.test(text[start - 1] ?? '')) start -= 1;
  const clause = text.slice(start, end);
  const re = new RegExp(`${NUM}${UNIT}`, 'g');
  const found: Array<{ c: Count; marked: boolean }> = [];
  for (let m = re.exec(clause); m; m = re.exec(clause)) {
    if (m[2] !== unit) continue;
    const c = count(m, 1, 2, start);
    found.push({ c, marked: /(共|总|合计|累计)[^,。;]{0,12}$/.test(clause.slice(0, m.index)) });
  }
  return (found.find((f) => f.marked) ?? found[0])?.c ?? null;
}

function rateClaims(view: TextView): PercentClaim[] {
  const text = view.text;
  const out: PercentClaim[] = [];
  const re = new RegExp(String.raw`(\p{Script=Han}{2,8})率(?:为|是|达到了|达到|达)?${PCT}`, 'gu');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1] ?? '';
    const sentenceStart =
      Math.max(
        text.lastIndexOf('。', m.index),
        text.lastIndexOf('\n', m.index),
        text.lastIndexOf(';', m.index),
      ) + 1;
    const before = text.slice(sentenceStart, m.index);
    const claim = rateClaim(name, before, sentenceStart);
    if (claim) {
      const stated = m[2] ?? '';
      out.push({
        ...claim,
        stated: Number(stated),
        decimals: (stated.split('.')[1] ?? '').length,
        start: claim.part.start - name.length,
        end: m.index + m[0].length,
      });
    }
  }
  return out;
}

function rateClaim(
  name: string,
  before: string,
  offset: number,
): Pick<PercentClaim, 'part' | 'whole'> | null {
  for (let cut = 0; cut + 2 <= name.length; cut += 1) {
    const x = name.slice(cut);
    // The name must stand as a word (after punctuation or 共/已), so 办结 never matches inside 提前办结.
    const partM = [...before.matchAll(new RegExp(`(?<!\\p{Script=Han})${x}${NUM}${UNIT}`, 'gu'))].at(-1);
    if (!partM) continue;
    const part = count(partM, 1, 2, offset + x.length);
    for (let tail = 1; x.length - tail >= 2; tail += 1) {
      const y = x.slice(tail);
      const wholeRe = new RegExp(`(?<!\\p{Script=Han})(?:共|已|累计|共计)?${y}${NUM}${UNIT}`, 'gu');
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
