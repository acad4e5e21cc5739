import { Finding } from '../domain/finding.ts';
import { ParsedReport } from '../domain/report.ts';
import { type DatedRevision, dateChangedFinding, isPublicationDate } from '../rules/date-history.ts';
import { backdatedFinding } from '../rules/date-rules.ts';
import type { StageContext } from '../stages/context.ts';
import { raiseFindings } from '../stages/raise-findings.ts';
import { listChecksBetween } from '../store/crawl-state.ts';
import type { ReportItem } from '../store/records.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * Rules judged from what the store remembers about a report rather than from one version of it:
 * `date.backdated` (the check log) and `date.changed` (the stored revisions). The report rules cannot see
 * either, so wherever they are recomputed the stored findings of these rules are carried over
 * (`keepLogFindings`), and the parse stage settles them afresh after every parse (`settleLogFindings`).
 */
export const LOG_RULES: readonly string[] = ['date.backdated', 'date.changed'];

const isLogRule = (f: Finding): boolean => LOG_RULES.includes(f.rule);

/**
 * `computed` (report-rule findings, recomputed) with the log-rule findings of `stored` carried over, so a
 * recomputation never drops them. Findings of LOG_RULES inside `computed` are replaced by the stored ones.
 */
export function keepLogFindings(stored: readonly Finding[], computed: readonly Finding[]): Finding[] {
  return [...computed.filter((f) => !isLogRule(f)), ...stored.filter(isLogRule)];
}

/**
 * The log-rule findings of a stored report, computed now: `date.backdated` from the check entries between
 * its page date and its first-seen time (a read that linked the report's own URL is not one without it),
 * `date.changed` from its revisions' parsed page dates (read only when there is more than one revision).
 * Reads the store, writes nothing.
 */
export async function logFindings(ctx: StageContext, report: ReportItem): Promise<Finding[]> {
  const out: Finding[] = [];
  // One revision is the item itself: its URL is the report's, and no date can have changed.
  const stored = report.revisions > 1 ? await ctx.repo.listRevisions(report.bodyId, report.year) : [];
  // Only a date before the first sighting can be back-dated (a BETWEEN whose bounds are reversed is also an
  // error in DynamoDB), and only a date the page gives as its publication date (isPublicationDate).
  if (report.publishedAt && report.publishedAt < report.firstSeen.slice(0, 10)) {
    const checks = await listChecksBetween(ctx.repo, report.bodyId, report.publishedAt, report.firstSeen);
    const backdated = backdatedFinding({
      year: report.year,
      publishedAt: report.publishedAt,
      firstSeen: report.firstSeen,
      checks,
      reportUrls: [report.url, ...stored.map((r) => r.url)],
    });
    if (backdated && (await publishedAtIsPublication(ctx, report, stored))) out.push(backdated);
  }
  if (stored.length > 1) {
    const revisions: DatedRevision[] = [];
    for (const r of stored) {
      const parsed = ParsedReport.safeParse(await ctx.archive.getJson(r.parsedKey).catch(() => null));
      revisions.push({
        firstSeen: r.firstSeen,
        sha256: r.sha256,
        url: r.url,
        publishedAt: parsed.success ? parsed.data.publishedAt : null,
      });
    }
    const changed = dateChangedFinding(revisions);
    if (changed) out.push(changed);
  }
  return out;
}

/**
 * After a parse: the report's log-rule findings computed afresh and stored among its findings (written
 * only when they differ, so a re-parse or re-run writes nothing), then raised once each
 * (`<rule>/<bodyId>/<year>`, the id every finding of the report is alerted under). The stored findings are
 * what the rules find now (their inputs only grow: the check log is append-only, the first copy's page date
 * and first-seen time stay, revisions are never deleted); an alert once sent stays. Returns the new alert ids.
 */
export async function settleLogFindings(ctx: StageContext, bodyId: string, year: number): Promise<string[]> {
  const report = await ctx.repo.getReport(bodyId, year);
  if (!report) return [];
  const fresh = await logFindings(ctx, report);
  const next = [...report.findings.filter((f) => !isLogRule(f)), ...fresh];
  if (canonical(next) !== canonical(report.findings))
    await ctx.repo.setFindings(bodyId, year, next, ctx.now().toISOString());
  return raiseFindings(ctx, bodyId, year, fresh, report.url, report.rawKey);
}

/**
 * Whether the report's page date (the first copy's) was read as a publication date (isPublicationDate), from
 * the parsed record of a version that gives that date. Read only when a back-dating finding would be raised.
 */
async function publishedAtIsPublication(
  ctx: StageContext,
  report: ReportItem,
  revisions: ReadonlyArray<{ parsedKey: string }>,
): Promise<boolean> {
  for (const key of [report.parsedKey, ...revisions.map((r) => r.parsedKey)]) {
    const parsed = ParsedReport.safeParse(await ctx.archive.getJson(key).catch(() => null));
    if (parsed.success && parsed.data.publishedAt.date === report.publishedAt)
      return isPublicationDate(parsed.data.publishedAt);
  }
  return false;
}

const canonical = (fs: readonly Finding[]): string => canonicalJson(fs.map((f) => Finding.parse(f)));
