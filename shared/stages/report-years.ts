import type { Body } from '../domain/body.ts';
import { ParsedReport } from '../domain/report.ts';
import { runRules } from '../rules/run-rules.ts';
import type { ReportItem } from '../store/records.ts';
import type { StageContext } from './context.ts';
import { raiseFindings } from './raise-findings.ts';

/** The body's stored reports before `year`, newest first, as parsed records (what the cross-year rules read). */
export async function previousReports(
  ctx: StageContext,
  stored: readonly ReportItem[],
  year: number,
): Promise<ParsedReport[]> {
  const out: ParsedReport[] = [];
  for (const item of [...stored].filter((r) => r.year < year).sort((a, b) => b.year - a.year)) {
    const parsed = ParsedReport.safeParse(await ctx.archive.getJson(item.parsedKey));
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/**
 * Listings run newest first, so year N+1 is usually parsed before year N and its cross-year rules
 * (`stats.swing`, `copy.previous-year`, year N's 结转下年度 = year N+1's 上年结转) ran with no N to compare.
 * When N is stored, N+1's findings are computed again with N (and older years) as its previous reports,
 * stored, and any new finding raised (alerts are once-only, so nothing is sent twice). Returns new alert ids.
 */
export async function refreshNextYear(
  ctx: StageContext,
  body: Body,
  stored: readonly ReportItem[],
  report: ParsedReport & { year: number },
): Promise<string[]> {
  const next = stored.find((r) => r.year === report.year + 1);
  if (!next) return [];
  const parsed = ParsedReport.safeParse(await ctx.archive.getJson(next.parsedKey));
  if (!parsed.success) return [];
  const older = (await previousReports(ctx, stored, report.year)).filter((r) => r.year !== report.year);
  const findings = runRules({
    report: { ...parsed.data, year: next.year },
    body,
    previous: [report, ...older],
    today: ctx.today(),
  });
  await ctx.repo.setFindings(body.id, next.year, findings);
  return raiseFindings(ctx, body.id, next.year, findings, next.url, next.rawKey);
}
