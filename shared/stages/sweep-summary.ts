import type { Finding } from '../domain/finding.ts';
import type { AlertToRaise } from './raise-alert.ts';

export const SUMMARY_RULE = 'sweep.summary';

/**
 * The summary of one sweep batch. AlertRecord keys an alert by one body: a summary is keyed by the
 * batch's first body and the sweep date (`sweep.summary/<first body>/<YYYY-MM-DD>`), so a retried batch
 * finds the summary it already raised instead of mailing a second one. The body is a key, not the subject:
 * the mail names every body it lists (render.ts renders this rule apart).
 */
export function summaryAlertId(firstBodyId: string, today: string): string {
  return `${SUMMARY_RULE}/${firstBodyId}/${today}`;
}

export interface SummaryInput {
  today: string;
  /** The admin alerts this summary stands for, in registry order. */
  alerts: readonly AlertToRaise[];
  /** How many bodies to name, with their reasons; the rest are counted. */
  listed: number;
  nameOf: (bodyId: string) => string;
}

/** Why an admin alert was raised, in one line: the finding's first evidence, or its message. */
function reasonOf(a: AlertToRaise): string {
  const e = a.finding.evidence[0];
  if (a.finding.rule === 'portal.unreachable') return e?.computation ?? a.finding.message.en;
  const reasons = a.finding.evidence.map((x) => x.quote);
  return reasons.length > 0 ? reasons.join('; ') : a.finding.message.en;
}

/** The one admin finding that replaces a batch's many admin alerts: counts per rule, the first bodies and why. */
export function summaryFinding(input: SummaryInput): Finding {
  const perRule = new Map<string, number>();
  for (const a of input.alerts) perRule.set(a.finding.rule, (perRule.get(a.finding.rule) ?? 0) + 1);
  const bodies = new Set(input.alerts.map((a) => a.bodyId));
  const counts = [...perRule.entries()].sort(([x], [y]) => x.localeCompare(y));
  const shown = input.alerts.slice(0, input.listed);
  const rest = input.alerts.length - shown.length;
  return {
    rule: SUMMARY_RULE,
    severity: 'warning',
    message: {
      zh: `${input.today}期限检查:${bodies.size}个机关共${input.alerts.length}条管理员提醒,合并为本汇总(各条已记录,不再单独发送)`,
      en: `Deadline sweep of ${input.today}: ${input.alerts.length} admin alerts for ${bodies.size} bodies, summarised here (each is recorded and will not be mailed on its own)`,
    },
    evidence: [
      {
        quote: counts.map(([rule, n]) => `${rule}: ${n}`).join(', '),
        where: 'alerts per rule',
        figures: Object.fromEntries(counts),
      },
      ...shown.map((a) => ({
        quote: reasonOf(a),
        where: `${input.nameOf(a.bodyId)} (${a.bodyId}) ${a.year} ${a.finding.rule}`,
      })),
      ...(rest > 0
        ? [{ quote: `… ${rest} more, each recorded as its own alert (ALERT# items)`, where: 'not listed' }]
        : []),
    ],
  };
}
