import { createHash } from 'node:crypto';
import type { Body } from '#shared/domain/body.ts';
import { deadlineFor, timeliness } from '#shared/domain/deadlines.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import type { StageContext } from '#shared/stages/context.ts';
import type { ReportItem } from '#shared/store/records.ts';

/**
 * Stores a report page as the parse stage would leave it (parsed record in the archive, report item and
 * revision in the table), without crawling: for read-model tests that need exact, hand-made reports.
 */
export async function storeReportPage(
  ctx: Pick<StageContext, 'archive' | 'repo'>,
  body: Body,
  page: { html?: string; text?: string; url: string; seen: string },
): Promise<{ item: ReportItem; record: ParsedReport }> {
  const sha256 = createHash('sha256')
    .update(page.html ?? page.text ?? '')
    .digest('hex');
  const parsed = parseReport({ ...page, sha256, registry: [body] });
  if (parsed.kind !== 'report' || parsed.year === null) throw new Error(`not a report: ${page.url}`);
  const parsedKey = await ctx.archive.putParsed(body.id, sha256, parsed);
  const deadline = deadlineFor(body, parsed.year);
  const item: ReportItem = {
    bodyId: body.id,
    year: parsed.year,
    title: parsed.title,
    url: page.url,
    host: new URL(page.url).host,
    sha256,
    rawKey: `raw/${body.id}/${sha256}.html`,
    parsedKey,
    publishedAt: parsed.publishedAt.date,
    publishedAtSource: parsed.publishedAt.source,
    firstSeen: page.seen,
    versionSeen: page.seen,
    deadline: deadline.date,
    timeliness: timeliness(parsed.publishedAt.date, deadline),
    format: parsed.format,
    findings: [],
    revisions: 1,
  };
  await ctx.repo.recordReport(item);
  return { item, record: parsed };
}
