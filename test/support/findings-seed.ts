import type { Body } from '#shared/domain/body.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { AlertRecord, ReportItem } from '#shared/store/records.ts';
import { keys } from '#shared/store/table.ts';

const RULES = ['spam.injection', 'arith.sum', 'placeholder.unfilled'];

/** `minutes` after `base` (an ISO instant) as an ISO instant. */
const after = (base: string, minutes: number) => new Date(Date.parse(base) + minutes * 60_000).toISOString();

export const finding = (rule: string, quote: string): Finding => ({
  rule,
  severity: 'warning',
  message: { zh: `${rule} 的发现`, en: `a ${rule} finding` },
  evidence: [{ quote, where: 'text', start: 0, end: quote.length }],
});

/** A report item as the parse stage stores it (the archive is not read by the findings listing). */
export function reportItem(body: Body, year: number, firstSeen: string, findings: Finding[]): ReportItem {
  const sha256 = `${body.id}${year}`.padEnd(64, 'a');
  return {
    bodyId: body.id,
    year,
    title: `${body.name}${year}年政府信息公开工作年度报告`,
    url: `${body.listingUrl}${year}.html`,
    host: new URL(body.listingUrl).host,
    sha256,
    rawKey: `raw/${body.id}/${sha256}.html`,
    parsedKey: `parsed/${body.id}/${sha256}.json`,
    publishedAt: `${year + 1}-03-20`,
    publishedAtSource: 'meta',
    firstSeen,
    versionSeen: firstSeen,
    deadline: `${year + 1}-03-31`,
    timeliness: 'on-time',
    format: 'html',
    findings,
    revisions: 1,
  };
}

export const alertRecord = (
  body: Body,
  rule: string,
  year: number,
  createdAt: string,
  audience: 'subscribers' | 'admins' = 'subscribers',
): AlertRecord => ({
  alertId: `${rule}/${body.id}/${year}`,
  rule,
  bodyId: body.id,
  year,
  audience,
  createdAt,
  finding: finding(rule, `${body.name} ${year}`),
});

/**
 * Items (with their table keys, without index keys) for a findings listing of `bodies`: reports of 2023–2025
 * with 0–3 findings each, public sweep alerts (deadline.missing for 2025, published-late for a reported
 * 2024, deadline.missing for a 2021 that is neither due nor reported: not listed), and admin-only alerts
 * (never listed). Every item's time is distinct and not ordered by body code, so provinces interleave.
 */
export function findingsItems(bodies: readonly Body[]): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  bodies.forEach((body, i) => {
    const slot = (i * 7919) % 10_007;
    for (const year of [2023, 2024, 2025]) {
      if (year === 2025 && i % 5 === 0) continue;
      const n = (i + year) % 4;
      const findings = RULES.slice(0, n).map((r) => finding(r, `${body.name}${year}：${r}`));
      const seen = after(`${year + 1}-03-01T00:00:00.000Z`, slot * 4);
      items.push({ ...keys.report(body.id, year), ...reportItem(body, year, seen, findings) });
    }
    const alerts: AlertRecord[] = [];
    if (i % 5 === 0)
      alerts.push(
        alertRecord(body, 'deadline.missing', 2025, after('2026-03-01T00:00:00.000Z', slot * 4 + 1)),
      );
    if (i % 13 === 0)
      alerts.push(
        alertRecord(body, 'deadline.published-late', 2024, after('2026-03-01T00:00:00.000Z', slot * 4 + 2)),
      );
    if (i % 11 === 0)
      alerts.push(
        alertRecord(body, 'deadline.missing', 2021, after('2026-03-01T00:00:00.000Z', slot * 4 + 3)),
      );
    if (i % 7 === 0) {
      alerts.push(
        alertRecord(body, 'listing.inconclusive', 2025, after('2026-06-01T00:00:00.000Z', slot), 'admins'),
      );
    }
    for (const a of alerts) items.push({ ...keys.alert(a.alertId), ...a });
  });
  return items;
}
