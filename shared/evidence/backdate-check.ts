import { backdatedFinding } from '../rules/date-rules.ts';
import type { StageContext } from '../stages/context.ts';
import { raiseAlert } from '../stages/raise-alert.ts';
import { listChecksBetween } from '../store/crawl-state.ts';
import type { ReportItem } from '../store/records.ts';

/**
 * `date.backdated` for a stored report (its first copy's page date and first-seen time): reads the check
 * log between the two and raises the finding as its own alert (`date.backdated/<bodyId>/<year>`, once).
 * It is not among the report's stored findings: the report rules are recomputed in places that do not
 * read the check log (docs/evidence.md, "Back-dating"). Returns the new alert ids.
 */
export async function raiseBackdated(ctx: StageContext, report: ReportItem): Promise<string[]> {
  if (!report.publishedAt) return [];
  const checks = await listChecksBetween(ctx.repo, report.bodyId, report.publishedAt, report.firstSeen);
  const finding = backdatedFinding({
    year: report.year,
    publishedAt: report.publishedAt,
    firstSeen: report.firstSeen,
    checks,
  });
  if (!finding) return [];
  const alertId = `date.backdated/${report.bodyId}/${report.year}`;
  const fresh = await raiseAlert(ctx, {
    alertId,
    audience: 'subscribers',
    finding,
    bodyId: report.bodyId,
    year: report.year,
    reportUrl: report.url,
    rawKey: report.rawKey,
  });
  return fresh ? [alertId] : [];
}
