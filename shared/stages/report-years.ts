import type { Body } from '../domain/body.ts';
import { Finding } from '../domain/finding.ts';
import { ParsedReport } from '../domain/report.ts';
import { runRules } from '../rules/run-rules.ts';
import type { ReportItem } from '../store/records.ts';
import type { StageContext } from './context.ts';
import { raiseFindings } from './raise-findings.ts';

/**
 * Cross-year rules in the parse stage (issue 10, item 15). Listings run newest first and the parse queue
 * runs several workers, so year N+1 is parsed before N, or beside it. The cross-year rules (`stats.swing`,
 * `copy.previous-year`, year N 结转下年度 = year N+1 上年结转) compare a report with the year just before it
 * only: a report two years back is what a gap in the series looks like while the year between is still in
 * flight, and an alert built on it could not be taken back when that year arrives.
 *
 * Each parse records its report, then reads the body's reports again (a consistent read) and settles its
 * own year and the next one against what is stored now. Of two reports stored at once, the one recorded
 * second sees the other in that read, so every pair of neighbours is compared by one of the two parses,
 * whatever the order. Findings are written only when they differ from the stored ones, so a page parsed
 * twice changes nothing; alerts are once-only, so nothing is sent twice.
 */

/** The stored report of the year before `year`, as parsed (empty when that year is not stored or unreadable). */
export async function previousYear(
  ctx: StageContext,
  stored: readonly ReportItem[],
  year: number,
): Promise<ParsedReport[]> {
  const item = stored.find((r) => r.year === year - 1);
  if (!item) return [];
  const parsed = ParsedReport.safeParse(await ctx.archive.getJson(item.parsedKey));
  return parsed.success ? [{ ...parsed.data, year: item.year }] : [];
}

/**
 * Year N's findings against the reports stored now (`after`, read after N was recorded): recomputed when
 * the year before it arrived since the first computation (`computed`, from the read before), and written
 * when they differ from the stored ones. Returns the findings to raise.
 */
export async function settleOwnYear(
  ctx: StageContext,
  body: Body,
  report: ParsedReport & { year: number },
  computed: { findings: Finding[]; before: readonly ReportItem[] },
  after: readonly ReportItem[],
): Promise<Finding[]> {
  const parsedKey = (items: readonly ReportItem[]) =>
    items.find((r) => r.year === report.year - 1)?.parsedKey;
  const findings =
    parsedKey(computed.before) === parsedKey(after)
      ? computed.findings
      : runRules({ report, body, previous: await previousYear(ctx, after, report.year), today: ctx.today() });
  const stored = after.find((r) => r.year === report.year);
  if (stored && !sameFindings(stored.findings, findings))
    await ctx.repo.setFindings(body.id, report.year, findings);
  return findings;
}

/**
 * Year N+1's findings with N (just stored) as its previous year: written when they differ from the stored
 * ones, and raised (only findings never raised before alert). Returns the new alert ids.
 */
export async function refreshNextYear(
  ctx: StageContext,
  body: Body,
  after: readonly ReportItem[],
  report: ParsedReport & { year: number },
): Promise<string[]> {
  const next = after.find((r) => r.year === report.year + 1);
  if (!next) return [];
  const parsed = ParsedReport.safeParse(await ctx.archive.getJson(next.parsedKey));
  if (!parsed.success) return [];
  const findings = runRules({
    report: { ...parsed.data, year: next.year },
    body,
    previous: [report],
    today: ctx.today(),
  });
  if (!sameFindings(next.findings, findings)) await ctx.repo.setFindings(body.id, next.year, findings);
  return raiseFindings(ctx, body.id, next.year, findings, next.url, next.rawKey);
}

/** Equal as stored: the same findings whatever the key order a store returns them in. */
function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  const canon = (fs: readonly Finding[]) => JSON.stringify(fs.map((f) => sortKeys(Finding.parse(f))));
  return canon(a) === canon(b);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}
