import type { Finding } from '../domain/finding.ts';
import type { StageContext } from './context.ts';
import { type AlertToRaise, raiseAlert } from './raise-alert.ts';

/** One alert per (rule, body, year), ever: re-runs alert only new findings. */
export async function raiseFindings(
  ctx: StageContext,
  bodyId: string,
  year: number,
  findings: readonly Finding[],
  reportUrl?: string,
  rawKey?: string,
): Promise<string[]> {
  const raised: string[] = [];
  for (const finding of groupByRule(findings)) {
    const alertId = `${finding.rule}/${bodyId}/${year}`;
    const a: AlertToRaise = { alertId, audience: 'subscribers', finding, bodyId, year };
    if (reportUrl) a.reportUrl = reportUrl;
    if (rawKey) a.rawKey = rawKey;
    if (await raiseAlert(ctx, a)) raised.push(alertId);
  }
  return raised;
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

/**
 * One alert per rule: several findings of the same rule on one report (two wrong percentages) become
 * one finding with all their evidence, at the gravest severity, so none is lost to the once-only alert.
 */
export function groupByRule(findings: readonly Finding[]): Finding[] {
  const byRule = new Map<string, Finding>();
  for (const f of findings) {
    const seen = byRule.get(f.rule);
    if (!seen) {
      byRule.set(f.rule, { ...f, evidence: [...f.evidence] });
      continue;
    }
    seen.evidence.push(...f.evidence);
    if (RANK[f.severity] < RANK[seen.severity]) seen.severity = f.severity;
    if (!seen.message.zh.includes(f.message.zh)) {
      seen.message = { zh: `${seen.message.zh};${f.message.zh}`, en: `${seen.message.en}; ${f.message.en}` };
    }
  }
  return [...byRule.values()];
}
