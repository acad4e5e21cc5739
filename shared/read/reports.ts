import { deadlineFor } from '../domain/deadlines.ts';
import type { Figures } from '../domain/figures.ts';
import { ParsedReport } from '../domain/report.ts';
import type { RawMeta } from '../store/archive-meta.ts';
import { withoutKeys } from '../store/dynamo.ts';
import { queryAll } from '../store/query-all.ts';
import { ReportItem, type RevisionItem } from '../store/records.ts';
import { bodySummary } from './bodies.ts';
import { NotFoundError, type ReadContext } from './context.ts';
import { figureChanges, textChanges } from './diff.ts';
import { flattenFigures } from './figures-flat.ts';
import type { ArchivedCopy, ReportDetail, RevisionView } from './types.ts';
import { deadlineView, reportFindings, reportSummary } from './years.ts';

/** What the read model uses of a parsed record: its text as published and its figures. */
export interface RecordView {
  originalText: string;
  figures: Figures;
}

const NO_FIGURES: Figures = {
  narrative: [],
  percentages: [],
  pre2019: null,
  active: null,
  applications: null,
  reviews: null,
  tables: [],
};

/**
 * The parsed record kept in the archive (`parsed/<bodyId>/<sha256>.json`), as far as the read model needs
 * it. A record that does not match today's schema (written by an older parser, or partial) still gives
 * its text when it has one, and no figures: a page is never refused for an old record.
 */
export async function readParsed(ctx: ReadContext, parsedKey: string): Promise<RecordView> {
  const raw = await ctx.archive.getJson(parsedKey);
  const parsed = ParsedReport.safeParse(raw);
  if (parsed.success) return { originalText: parsed.data.originalText, figures: parsed.data.figures };
  const text = (raw as { originalText?: unknown } | null)?.originalText;
  return { originalText: typeof text === 'string' ? text : '', figures: NO_FIGURES };
}

/**
 * Provenance of archived raw objects already read, per archive, at most RAW_META_CACHED entries (oldest
 * read first out). A raw object is never rewritten: its key is its sha256, it is written once with
 * `If-None-Match: *` (Object Lock in AWS), so its provenance read once stays true, and a report page's
 * archived copies cost no HeadObject after the first view. A failed read is not kept.
 */
const RAW_META_CACHED = 10_000;
const rawMetaCache = new WeakMap<ReadContext['archive'], Map<string, RawMeta>>();
async function rawMeta(ctx: ReadContext, key: string): Promise<RawMeta | null> {
  let cache = rawMetaCache.get(ctx.archive);
  if (!cache) {
    cache = new Map();
    rawMetaCache.set(ctx.archive, cache);
  }
  const known = cache.get(key);
  if (known) return known;
  const m = await ctx.archive.getMeta(key).catch(() => null);
  if (!m) return null;
  cache.set(key, m);
  if (cache.size > RAW_META_CACHED) cache.delete(cache.keys().next().value as string);
  return m;
}

async function archivedCopy(ctx: ReadContext, r: RevisionItem): Promise<ArchivedCopy> {
  const m = await rawMeta(ctx, r.rawKey);
  return {
    rawKey: r.rawKey,
    sha256: r.sha256,
    url: r.url,
    firstSeen: r.firstSeen,
    fetchedAt: m?.fetchedAt ?? null,
    status: m?.status ?? null,
    contentType: m?.contentType ?? null,
  };
}

/**
 * A year's report item and its revisions (oldest first) in one Query of the body's partition
 * (`REPORT#<year>` and `REPORT#<year>#REV#…`), every page followed (a Query page stops at 1 MB).
 */
async function reportItems(
  ctx: ReadContext,
  bodyId: string,
  year: number,
): Promise<{ item: ReportItem | undefined; revisions: RevisionItem[] }> {
  const sk = `REPORT#${year}`;
  const items = await queryAll(ctx.repo, `BODY#${bodyId}`, sk);
  const current = items.find((i) => i.sk === sk);
  const revisions = items
    .filter((i) => String(i.sk).startsWith(`${sk}#REV#`))
    .map((i) => withoutKeys(i) as RevisionItem)
    .sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0));
  return { item: current ? ReportItem.parse(withoutKeys(current)) : undefined, revisions };
}

/**
 * One report's public record: the current version's figures (with offsets into `originalText`), its
 * findings with evidence, every revision oldest first with what changed from the one before (figures
 * first, then a line diff of the text), and the archived copy of each version.
 * Throws NotFoundError when the body or the year's report is not there.
 */
export async function reportDetail(ctx: ReadContext, bodyId: string, year: number): Promise<ReportDetail> {
  const body = ctx.registry.get(bodyId);
  if (!body) throw new NotFoundError(`unknown body ${bodyId}`);
  const { item, revisions } = await reportItems(ctx, bodyId, year);
  if (!item) throw new NotFoundError(`no ${year} report of ${bodyId} is stored`);
  // A record shared by versions (the current one is usually the newest revision's) is read once.
  const reads = new Map<string, Promise<RecordView>>();
  const record = (key: string) => {
    let read = reads.get(key);
    if (!read) {
      read = readParsed(ctx, key);
      reads.set(key, read);
    }
    return read;
  };
  const records = await Promise.all(revisions.map((r) => record(r.parsedKey)));
  const current = await record(item.parsedKey);
  const views: RevisionView[] = revisions.map((r, i) => {
    const before = i > 0 ? records[i - 1] : undefined;
    const after = records[i] as RecordView;
    return {
      sha256: r.sha256,
      firstSeen: r.firstSeen,
      url: r.url,
      rawKey: r.rawKey,
      changes: before
        ? {
            figures: figureChanges(flattenFigures(before.figures), flattenFigures(after.figures)).filter(
              (c) => c.status !== 'unchanged',
            ),
            text: textChanges(before.originalText, after.originalText),
          }
        : null,
    };
  });
  return {
    body: bodySummary(body),
    report: reportSummary(item),
    deadline: deadlineView(deadlineFor(body, year)),
    timeliness: item.timeliness,
    originalText: current.originalText,
    figures: flattenFigures(current.figures),
    findings: reportFindings(item),
    revisions: views,
    archived: await Promise.all(revisions.map((r) => archivedCopy(ctx, r))),
  };
}
