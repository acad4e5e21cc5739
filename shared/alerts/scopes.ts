import { lookupDivision } from '../domain/divisions.ts';
import type { Severity } from '../domain/finding.ts';

/** What a subscriber may filter on: deadline findings (missing or late reports) or everything else. */
export type AlertKind = 'deadlines' | 'anomalies';
export const ALERT_KINDS: readonly AlertKind[] = ['deadlines', 'anomalies'];

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The kind of a rule id: `deadline.*` are deadlines, every other subscriber rule an anomaly. */
export function kindOf(rule: string): AlertKind {
  return rule.startsWith('deadline.') ? 'deadlines' : 'anomalies';
}

/**
 * Whether a subscriber's filters let a finding through: its kind among `kinds` (absent: every kind) and
 * its severity at least `minSeverity` (absent: every severity). Pure.
 */
export function wantsFinding(
  filters: { kinds?: readonly AlertKind[] | undefined; minSeverity?: Severity | undefined },
  finding: { rule: string; severity: Severity },
): boolean {
  if (filters.kinds && filters.kinds.length > 0 && !filters.kinds.includes(kindOf(finding.rule)))
    return false;
  if (filters.minSeverity && SEVERITY_RANK[finding.severity] < SEVERITY_RANK[filters.minSeverity])
    return false;
  return true;
}

/** A division code as the table keeps it: trailing `00` pairs dropped (`360800` → `3608`). */
export function normaliseScope(scope: string): string {
  const s = scope.trim();
  if (/^\d+$/.test(s)) {
    const trimmed = s.replace(/(00)+$/, '');
    return trimmed.length >= 2 ? trimmed : s;
  }
  return s;
}

/** A normalised division scope as the division table keys it (`36`, `3608`, `360802`), or undefined. */
function divisionCode(scope: string): string | undefined {
  return /^(\d{2}|\d{4}|\d{6})$/.test(scope) ? scope : undefined;
}

/**
 * A scope in words, for mails and pages: `*` → 全部 / everything, a division code → its chain of names
 * (`3608` → 江西省 › 吉安市), a body id → the body's name with its division. `bodyName` looks a body id up
 * in the registry. Undefined when the scope names nothing known (an unknown scope is refused at input).
 */
export function scopeName(scope: string, bodyName: (id: string) => string | undefined): string | undefined {
  const s = normaliseScope(scope);
  if (s === '*') return '全部地区 (all jurisdictions)';
  const code = divisionCode(s);
  if (code) {
    const d = lookupDivision(code);
    return d ? [...d.parents.map((p) => p.name), d.name].join(' › ') : undefined;
  }
  return bodyName(s);
}

/** The scopes among `scopes` that name nothing known: not `*`, a GB/T 2260 division, or a registry body. */
export function unknownScopes(scopes: readonly string[], isBody: (id: string) => boolean): string[] {
  return scopes.filter((raw) => {
    const s = normaliseScope(raw);
    if (s === '*' || isBody(s)) return false;
    const code = divisionCode(s);
    return !(code && lookupDivision(code));
  });
}

/** The filters in words, Chinese first (for confirmation mails and the manage page). Pure. */
export function describeFilters(f: {
  kinds?: readonly AlertKind[] | undefined;
  minSeverity?: Severity | undefined;
  digest?: 'immediate' | 'daily' | undefined;
}): string {
  const kinds =
    !f.kinds || f.kinds.length === ALERT_KINDS.length
      ? '期限与异常 (deadlines and anomalies)'
      : f.kinds.includes('deadlines')
        ? '仅期限 (deadlines only)'
        : '仅异常 (anomalies only)';
  const severity = {
    info: '全部 (all)',
    warning: '警告及以上 (warnings and errors)',
    error: '仅错误 (errors only)',
  }[f.minSeverity ?? 'info'];
  const digest = f.digest === 'daily' ? '每日汇总 (daily digest)' : '即时 (as they happen)';
  return `类别 ${kinds} · 严重程度 ${severity} · 发送 ${digest}`;
}
