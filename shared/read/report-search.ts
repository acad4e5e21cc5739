import { type Body, bodyInScope } from '../domain/body.ts';
import { withoutKeys } from '../store/dynamo.ts';
import { ReportItem } from '../store/records.ts';
import { batchGetItems } from '../store/sweep-reads.ts';
import { keys } from '../store/table.ts';
import { bodySummary, pageOf } from './bodies.ts';
import type { ReadContext } from './context.ts';
import type { BodySummary, Page, ReportSummary } from './types.ts';
import { reportSummary } from './years.ts';

export interface ReportSearch {
  /** Words that must all appear in the report's title (whitespace between words; case ignored). */
  q: string;
  /** The report year searched: one year's report item per body is read. */
  year: number;
  /** `*`, a division code or a body id (default `*`). */
  scope?: string | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

export interface ReportHit {
  body: BodySummary;
  report: ReportSummary;
}

/** The words of a title query, lower-cased; empty words dropped. */
export const titleWords = (q: string): string[] =>
  q
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');

/** Whether every word appears in `title` (pure; case ignored). */
export function titleMatches(title: string, words: readonly string[]): boolean {
  const t = title.toLowerCase();
  return words.every((w) => t.includes(w));
}

/**
 * Reports of `year` whose title holds every word of `q`, across every body of the scope (not only those
 * whose name matches), in body-id order, paginated (`offset` from 0, `limit` default 50). Bounded cost:
 * the year's report item of each body in scope by BatchGetItem, ⌈bodies / 100⌉ calls, no Query or Scan.
 */
export async function searchReports(ctx: ReadContext, query: ReportSearch): Promise<Page<ReportHit>> {
  const words = titleWords(query.q);
  const scope = query.scope ?? '*';
  const bodies = [...ctx.registry.values()]
    .filter((b) => bodyInScope(b, scope))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const items = await batchGetItems(
    ctx.repo,
    bodies.map((b) => keys.report(b.id, query.year)),
  );
  const hits: Array<{ body: Body; report: ReportItem }> = [];
  for (const body of bodies) {
    const k = keys.report(body.id, query.year);
    const item = items.get(`${k.pk}\u0000${k.sk}`);
    if (!item) continue;
    const report = ReportItem.safeParse(withoutKeys(item));
    if (report.success && titleMatches(report.data.title, words)) hits.push({ body, report: report.data });
  }
  return pageOf(hits, query, (h) => ({ body: bodySummary(h.body), report: reportSummary(h.report) }));
}
