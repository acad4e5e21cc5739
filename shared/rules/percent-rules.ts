import type { Finding } from '#shared/domain/finding.ts';
import { finding } from './findings.ts';
import { type PercentClaim, percentClaims } from './percent-claims.ts';
import { quoteView, viewOf } from './text-view.ts';
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

function runPercent({ report }: RuleContext): Finding[] {
  const view = viewOf(report);
  return percentClaims(view)
    .filter((c) => !percentHolds(c.part.value, c.whole.value, c.stated, c.decimals))
    .map((c) => claimFinding(view, c));
}

function claimFinding(view: ReturnType<typeof viewOf>, c: PercentClaim): Finding {
  const computed = (c.part.value / c.whole.value) * 100;
  const shown = `${computed.toFixed(Math.max(1, c.decimals))}%`;
  const figures = {
    part: c.part.value,
    whole: c.whole.value,
    stated: c.stated,
    computed: Number(computed.toFixed(4)),
  };
  const computation = `${c.part.value} / ${c.whole.value} = ${shown}, stated ${c.stated}% (tolerance ±${PERCENT_TOLERANCE} point)`;
  return finding(
    arithPercent,
    {
      zh: `所述${c.stated}%与${c.part.value}/${c.whole.value}=${shown}不符`,
      en: `Stated ${c.stated}% but ${c.part.value} of ${c.whole.value} is ${shown}`,
    },
    [
      quoteView(view, c.start, c.end, 'text', { figures, computation }),
      quoteView(view, c.whole.start, c.whole.end, 'text (the total)'),
    ],
  );
}
