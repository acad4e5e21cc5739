import type { Figure, StatedPercent } from '#shared/domain/figures.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { finding } from './findings.ts';
import { type Count, isChange, type WholeReading, wholeCandidates } from './percent-bases.ts';
import { type PercentClaim, percentClaims } from './percent-claims.ts';
import { quoteOriginal, quoteView, type TextView, toOriginal, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

export const arithPercent: Rule = {
  id: 'arith.percent',
  severity: 'error',
  description: {
    zh: '报告所述百分比与其数量/总数之比不符',
    en: 'A stated percentage does not equal its count divided by its total',
  },
  run: runPercent,
};

/**
 * Tolerance: the true share, rounded (or truncated: both are common) to the precision the report uses,
 * may differ from the stated value by at most 0.1 point. 16/26 = 61.54% written 61.5% holds, 1775/2450 =
 * 72.45% written 72.5% holds; 57/2450 = 2.33% written 3.2% does not, nor 33060/41859 = 78.98% written 100%.
 */
export const PERCENT_TOLERANCE = 0.1;

export function percentHolds(part: number, whole: number, stated: number, decimals: number): boolean {
  if (whole === 0) return stated === 0;
  const exact = (part / whole) * 100;
  const f = 10 ** decimals;
  const eps = 1e-9;
  return [Math.round(exact * f) / f, Math.trunc(exact * f) / f].some(
    (v) => Math.abs(v - stated) <= PERCENT_TOLERANCE + eps,
  );
}

/**
 * Claims come from our own reading of the text (percent-claims.ts, with every whole the text allows) and
 * from the parser's `figures.percentages` where it named both part and whole; a parser claim whose % sign
 * lies inside one of ours is the same claim and is not checked twice. Issue 10, item 1: a claim that holds
 * against any reasonable whole is not a finding; one that fails against every reading is an error when
 * the sentence itself ties the part to a whole (WholeReading.confident), else a warning that says the base
 * is uncertain.
 */
function runPercent({ report }: RuleContext): Finding[] {
  const view = viewOf(report);
  const own = percentClaims(view);
  const spans = own.map((c) => toOriginal(view, c.start, c.end));
  const out = own.flatMap((c) => {
    const failed = failing(c.part.value, c.wholes, c.stated, c.decimals);
    return failed ? [claimFinding(view, c, failed)] : [];
  });
  for (const p of report.figures.percentages) {
    if (!p.part || !p.whole || spans.some((s) => p.percent.start >= s.start && p.percent.start < s.end))
      continue;
    const decimals = (p.percent.raw.split('.')[1] ?? '').replace(/\D/g, '').length;
    const at = viewIndex(view, p.part.start);
    const part: Count = { value: p.part.value, unit: p.part.unit ?? '', start: at, end: at + 1 };
    // A whole smaller than its part, or a change (较上年增长12%, 增加2000条), is no candidate base; the
    // parser's reading is then not checked (the share shapes are read by percentClaims with every base).
    if (p.whole.value < p.part.value || isChange(view.text, viewIndex(view, p.whole.start))) continue;
    const wholes: WholeReading[] = [
      { count: { ...part, value: p.whole.value, start: -1 }, confident: false, how: 'parser' },
      ...wholeCandidates(view.text, part, []),
    ];
    const failed = failing(p.part.value, wholes, p.percent.value, decimals);
    if (failed) out.push(parserFinding(report.originalText, p, decimals, failed.confident));
  }
  return out;
}

/** Null when some reading holds; else whether any failing reading was a confident one. */
function failing(
  part: number,
  wholes: readonly WholeReading[],
  stated: number,
  decimals: number,
): { confident: boolean; tried: number[] } | null {
  if (wholes.length === 0 || wholes.some((w) => percentHolds(part, w.count.value, stated, decimals)))
    return null;
  return { confident: wholes.some((w) => w.confident), tried: wholes.map((w) => w.count.value) };
}

/** The view index of an original offset (the view's map is increasing). */
function viewIndex(view: TextView, original: number): number {
  let lo = 0;
  let hi = view.map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((view.map[mid] ?? 0) < original) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const UNCERTAIN = {
  zh: '(基数不确定:正文未明确该比例所对应的总数)',
  en: ' (the base is uncertain: the text does not tie this share to one total)',
};

function parserFinding(original: string, p: StatedPercent, decimals: number, confident: boolean): Finding {
  const part = p.part as Figure;
  const whole = p.whole as Figure;
  const computed = (part.value / whole.value) * 100;
  const shown = `${computed.toFixed(Math.max(1, decimals))}%`;
  const start = Math.min(part.start, p.percent.start);
  const end = Math.max(part.end, p.percent.end);
  return finding(
    arithPercent,
    {
      zh: `所述${p.percent.value}%与${part.value}/${whole.value}=${shown}不符${confident ? '' : UNCERTAIN.zh}`,
      en: `Stated ${p.percent.value}% but ${part.value} of ${whole.value} is ${shown}${confident ? '' : UNCERTAIN.en}`,
    },
    [
      quoteOriginal(original, start, end, 'text', {
        figures: {
          part: part.value,
          whole: whole.value,
          stated: p.percent.value,
          computed: Number(computed.toFixed(4)),
        },
        computation: `${part.value} / ${whole.value} = ${shown}, stated ${p.percent.value}% (tolerance ±${PERCENT_TOLERANCE} point)`,
      }),
      quoteOriginal(original, whole.start, whole.end, 'text (the total)'),
    ],
    confident ? 'error' : 'warning',
  );
}

function claimFinding(
  view: TextView,
  c: PercentClaim,
  failed: { confident: boolean; tried: number[] },
): Finding {
  const computed = (c.part.value / c.whole.value) * 100;
  const shown = `${computed.toFixed(Math.max(1, c.decimals))}%`;
  const figures = {
    part: c.part.value,
    whole: c.whole.value,
    stated: c.stated,
    computed: Number(computed.toFixed(4)),
  };
  const others = failed.tried.filter((v) => v !== c.whole.value);
  const computation = `${c.part.value} / ${c.whole.value} = ${shown}, stated ${c.stated}% (tolerance ±${PERCENT_TOLERANCE} point)${others.length > 0 ? `; also wrong against ${others.join(', ')}` : ''}`;
  return finding(
    arithPercent,
    {
      zh: `所述${c.stated}%与${c.part.value}/${c.whole.value}=${shown}不符${failed.confident ? '' : UNCERTAIN.zh}`,
      en: `Stated ${c.stated}% but ${c.part.value} of ${c.whole.value} is ${shown}${failed.confident ? '' : UNCERTAIN.en}`,
    },
    [
      quoteView(view, c.start, c.end, 'text', { figures, computation }),
      quoteView(view, c.whole.start, c.whole.end, 'text (the total)'),
    ],
    failed.confident ? 'error' : 'warning',
  );
}
