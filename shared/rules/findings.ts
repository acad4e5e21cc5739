import type { Evidence, Finding, Severity } from '#shared/domain/finding.ts';
import type { RuleInfo } from './types.ts';

/** A finding of `rule`, at its catalogue severity unless the rule lowers it for a weaker case. */
export function finding(
  rule: RuleInfo,
  message: { zh: string; en: string },
  evidence: Evidence[],
  severity: Severity = rule.severity,
): Finding {
  return { rule: rule.id, severity, message, evidence };
}

/** Evidence lists are capped so an alert stays readable; the message states the full count. */
export const MAX_EVIDENCE = 12;

/** Percent with up to `digits` decimals, no trailing zeros (`79`, `2.33`). */
export function pct(value: number, digits = 2): string {
  return `${Number(value.toFixed(digits))}%`;
}
