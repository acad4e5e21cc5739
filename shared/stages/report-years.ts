import type { Body } from '../domain/body.ts';
import { Finding } from '../domain/finding.ts';
import { ParsedReport } from '../domain/report.ts';
import { keepLogFindings } from '../evidence/log-findings.ts';
import { type TextCopy, textHash } from '../rules/mirror-across.ts';
import { runRules } from '../rules/run-rules.ts';
import type { ReportItem } from '../store/records.ts';
import { recordTextCopy, textCopies } from '../store/text-index.ts';
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
 * Year N's findings against what is stored now (`after` and `copiesAfter`, read after N was recorded):
 * recomputed when the year before it, or another copy of its text, arrived since the first computation
 * (`computed`, from the reads before), and written when they differ from the stored ones. Returns the
 * findings to raise.
 */
export async function settleOwnYear(
  ctx: StageContext,
  body: Body,
  report: ParsedReport & { year: number },
  computed: { findings: Finding[]; before: readonly ReportItem[]; sameText?: readonly TextCopy[] },
  after: readonly ReportItem[],
): Promise<{ findings: Finding[]; sameText?: readonly TextCopy[] }> {
  const parsedKey = (items: readonly ReportItem[]) =>
    items.find((r) => r.year === report.year - 1)?.parsedKey;
  const sameText = computed.sameText ? await copiesOf(ctx, report) : undefined;
  const findings =
    parsedKey(computed.before) === parsedKey(after) && sameCopies(computed.sameText, sameText)
      ? computed.findings
      : runRules({
          report,
          body,
          previous: await previousYear(ctx, after, report.year),
          today: ctx.today(),
          ...(sameText ? { sameText } : {}),
        });
  const stored = after.find((r) => r.year === report.year);
  const kept = keepLogFindings(stored?.findings ?? [], findings);
  if (stored && !sameFindings(stored.findings, kept))
    await ctx.repo.setFindings(body.id, report.year, kept, ctx.now().toISOString());
  return { findings, ...(sameText ? { sameText } : {}) };
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
  return next ? reevaluate(ctx, body, next, after) : [];
}

/**
 * The other bodies' copies of this report's text on other hosts (host.mirror across bodies, judged from
 * each side: mirror-across.ts): each is evaluated again now that this copy is stored, so the finding does
 * not depend on which copy was parsed first. Returns the new alert ids.
 */
export async function refreshCopies(
  ctx: StageContext,
  body: Body,
  report: ParsedReport & { year: number },
  sameText: readonly TextCopy[] | undefined,
): Promise<string[]> {
  const out: string[] = [];
  const host = report.source.host.toLowerCase();
  for (const copy of sameText ?? []) {
    if (copy.bodyId === body.id || copy.host.toLowerCase() === host) continue;
    const other = ctx.registry.get(copy.bodyId);
    const item = other ? await ctx.repo.getReport(copy.bodyId, copy.year) : undefined;
    // Its report is stored under its own year; a copy since replaced by another version is left alone.
    if (!other || !item || item.url !== copy.url) continue;
    out.push(...(await reevaluate(ctx, other, item, await ctx.repo.listReports(other.id))));
  }
  return out;
}

/** One stored report's findings computed again from what is stored now; written if changed, then raised. */
async function reevaluate(
  ctx: StageContext,
  body: Body,
  item: ReportItem,
  stored: readonly ReportItem[],
): Promise<string[]> {
  const parsed = ParsedReport.safeParse(await ctx.archive.getJson(item.parsedKey));
  if (!parsed.success) return [];
  const report = { ...parsed.data, year: item.year };
  const sameText = await copiesOf(ctx, report);
  const findings = runRules({
    report,
    body,
    previous: await previousYear(ctx, stored, item.year),
    today: ctx.today(),
    ...(sameText ? { sameText } : {}),
  });
  const kept = keepLogFindings(item.findings, findings);
  if (!sameFindings(item.findings, kept))
    await ctx.repo.setFindings(body.id, item.year, kept, ctx.now().toISOString());
  return raiseFindings(ctx, body.id, item.year, findings, item.url, item.rawKey);
}

/**
 * host.mirror across bodies: records this report's text under its hash (one conditional put; a repeat
 * writes nothing) and returns every copy recorded, this one included. Undefined for a text too short to
 * key. Written before the report is recorded, and read again after (settleOwnYear), so of two copies
 * parsed at once one sees the other stored.
 */
export async function recordCopy(
  ctx: StageContext,
  bodyId: string,
  report: ParsedReport & { year: number },
): Promise<TextCopy[] | undefined> {
  const hash = textHash(report);
  if (!hash) return undefined;
  const { host, url } = report.source;
  await recordTextCopy(ctx.repo, hash, { bodyId, year: report.year, host, url });
  return textCopies(ctx.repo, hash);
}

/** The recorded copies of a stored report's text (no write). */
async function copiesOf(ctx: StageContext, report: ParsedReport): Promise<TextCopy[] | undefined> {
  const hash = textHash(report);
  return hash ? textCopies(ctx.repo, hash) : undefined;
}

function sameCopies(a: readonly TextCopy[] | undefined, b: readonly TextCopy[] | undefined): boolean {
  const key = (cs: readonly TextCopy[] | undefined) =>
    JSON.stringify((cs ?? []).map((c) => `${c.bodyId}#${c.year}#${c.host}#${c.url}`).sort());
  return key(a) === key(b);
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
