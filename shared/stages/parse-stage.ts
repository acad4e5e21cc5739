import { z } from 'zod';
import { decodeBody } from '../crawl/decode.ts';
import { titleYear } from '../crawl/discover.ts';
import type { Body } from '../domain/body.ts';
import { deadlineFor, timeliness } from '../domain/deadlines.ts';
import type { ParsedReport, PublishedAt } from '../domain/report.ts';
import { messageOf } from '../errors.ts';
import { keepLogFindings, settleLogFindings } from '../evidence/log-findings.ts';
import { AttachmentUnreadableError, parseAttachment } from '../parse/attachments.ts';
import { dateFromUrl } from '../parse/dates.ts';
import { parseReport } from '../parse/parse-report.ts';
import type { ParseMessage } from '../queue/queue.ts';
import { runRules } from '../rules/run-rules.ts';
import type { RawMeta } from '../store/archive.ts';
import { markLinkParsed } from '../store/link-batch.ts';
import type { ReportChange } from '../store/repository.ts';
import { requireBody, type StageContext } from './context.ts';
import { raiseFindings } from './raise-findings.ts';
import { previousYear, recordCopy, refreshCopies, refreshNextYear, settleOwnYear } from './report-years.ts';

const AttachmentType = z.enum(['pdf', 'doc', 'docx', 'xls', 'xlsx']);

export interface ParseOutcome {
  rawKey: string;
  bodyId: string;
  /** `failed`: an attachment the parser could not read (never "not a report": its year stays inconclusive). */
  result: 'report' | 'not-a-report' | 'failed';
  year?: number;
  change?: ReportChange;
  reason?: string;
  newAlerts: string[];
}

/**
 * Turns one archived page into the body's report for its year: parse, judge timeliness, run the rules,
 * store the version (and a revision if the content is new), then raise each new finding as an alert.
 * Idempotent: the same page parsed twice changes nothing and alerts nothing.
 */
export async function handleParse(message: ParseMessage, ctx: StageContext): Promise<ParseOutcome> {
  let outcome: ParseOutcome;
  try {
    outcome = await parseArchived(message, ctx);
  } catch (error) {
    // A parser exception is kept where the admins see it (the link, the dead letters) and retried; the
    // link stays unconfirmed, so its year is inconclusive, never missing.
    if (message.linkUrl)
      await markLinkParsed(ctx.repo, message.bodyId, message.linkUrl, message.rawKey, {
        kind: 'failed',
        reason: `parse failed: ${messageOf(error)}`,
      }).catch(() => false);
    throw error;
  }
  // The link is done only now (or when its parse message is durably queued): a parse that throws leaves it
  // `queued`, so the crawl sends it again and the sweep calls its year inconclusive, never missing.
  if (message.linkUrl) {
    await markLinkParsed(ctx.repo, message.bodyId, message.linkUrl, message.rawKey, {
      kind: outcome.result,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
  }
  return outcome;
}

async function parseArchived(message: ParseMessage, ctx: StageContext): Promise<ParseOutcome> {
  const body = requireBody(ctx, message.bodyId);
  // A listing that links the report file directly: the archived object is the attachment itself.
  if (AttachmentType.safeParse(message.rawKey.split('.').pop()).success) {
    const direct = await fromAttachments({ ...message, attachmentKeys: [message.rawKey] }, null, body, ctx);
    if (!direct || 'unreadable' in direct)
      return {
        rawKey: message.rawKey,
        bodyId: body.id,
        result: direct ? 'failed' : 'not-a-report',
        reason: direct ? direct.unreadable : 'the linked file does not read as a report',
        newAlerts: [],
      };
    return storeReport(ctx, body, direct.parsed, direct.key, direct.sha256, direct.meta);
  }
  const { bytes, meta } = await ctx.archive.get(message.rawKey);
  const html = decodeBody(
    bytes,
    meta.contentType ?? (meta.charset ? `text/html; charset=${meta.charset}` : null),
  ).text;
  const page = parseReport({ html, url: meta.finalUrl, sha256: meta.sha256, registry: [body] });
  // Many portals publish the report only as an attachment of a near-empty detail page.
  const found =
    page.kind === 'report'
      ? { parsed: page, key: message.rawKey, sha256: meta.sha256 }
      : await fromAttachments(message, meta.finalUrl, body, ctx);
  if (!found || 'unreadable' in found)
    return {
      rawKey: message.rawKey,
      bodyId: body.id,
      result: found ? 'failed' : 'not-a-report',
      reason: found ? found.unreadable : page.kind === 'not-a-report' ? page.reason : 'no report found',
      newAlerts: [],
    };
  return storeReport(ctx, body, found.parsed, found.key, found.sha256, meta);
}

/** Judges, checks and stores one parsed report, then raises its new findings. */
async function storeReport(
  ctx: StageContext,
  body: Body,
  parsed: ParsedReport,
  rawKey: string,
  sha256: string,
  meta: RawMeta,
): Promise<ParseOutcome> {
  const base = { rawKey, bodyId: body.id, newAlerts: [] as string[] };
  const year = parsed.year ?? titleYear(meta.linkTitle ?? '');
  if (year === null)
    return { ...base, result: 'not-a-report', reason: 'no report year in the title or text' };
  const report: ParsedReport = { ...parsed, year };

  const dated = { ...report, year };
  const sameText = await recordCopy(ctx, body.id, dated);
  const before = await ctx.repo.listReports(body.id);
  const previous = await previousYear(ctx, before, year);
  const findings = runRules({
    report,
    body,
    previous,
    today: ctx.today(),
    ...(sameText ? { sameText } : {}),
  });
  const parsedKey = await ctx.archive.putParsed(body.id, sha256, { ...report, findings });
  const deadline = deadlineFor(body, year);
  const change = await ctx.repo.recordReport({
    bodyId: body.id,
    year,
    title: report.title,
    url: meta.finalUrl,
    host: report.source.host,
    sha256,
    rawKey: base.rawKey,
    parsedKey,
    publishedAt: report.publishedAt.date,
    publishedAtSource: report.publishedAt.source,
    firstSeen: meta.fetchedAt,
    versionSeen: meta.fetchedAt,
    deadline: deadline.date,
    timeliness: timeliness(report.publishedAt.date, deadline),
    format: report.format,
    // A new version replaces the item: the check-log and revision findings are carried over (log-findings.ts).
    findings: keepLogFindings(before.find((r) => r.year === year)?.findings ?? [], findings),
    revisions: 1,
  });
  // Read again after recording: a neighbouring year stored meanwhile (another parse worker) is seen here
  // or that worker sees this year (report-years.ts). Stored findings change only when they differ.
  const after = await ctx.repo.listReports(body.id);
  const settled = await settleOwnYear(
    ctx,
    body,
    dated,
    { findings, before, ...(sameText ? { sameText } : {}) },
    after,
  );
  const newAlerts = await raiseFindings(ctx, body.id, year, settled.findings, meta.finalUrl, base.rawKey);
  newAlerts.push(...(await settleLogFindings(ctx, body.id, year)));
  newAlerts.push(...(await refreshNextYear(ctx, body, after, dated)));
  newAlerts.push(...(await refreshCopies(ctx, body, dated, settled.sameText)));
  return { ...base, result: 'report', year, change, newAlerts };
}

/** The first archived attachment of the page that parses as a report, with its own key and hash. */
async function fromAttachments(
  message: ParseMessage,
  pageUrl: string | null,
  body: Body,
  ctx: StageContext,
): Promise<
  { parsed: ParsedReport; key: string; sha256: string; meta: RawMeta } | { unreadable: string } | undefined
> {
  const unreadable: string[] = [];
  const dated = pageUrl ? dateFromUrl(pageUrl) : null;
  const pagePublishedAt: PublishedAt | undefined = dated
    ? { date: dated.date, source: 'url', raw: dated.raw }
    : undefined;
  for (const key of message.attachmentKeys) {
    const type = key.split('.').pop();
    const known = AttachmentType.safeParse(type);
    if (!known.success) continue;
    const { bytes, meta } = await ctx.archive.get(key);
    let result: Awaited<ReturnType<typeof parseAttachment>>;
    try {
      result = await parseAttachment({
        bytes,
        type: known.data,
        url: meta.finalUrl,
        pageUrl: pageUrl ?? meta.finalUrl,
        sha256: meta.sha256,
        registry: [body],
        ...(pagePublishedAt ? { pagePublishedAt } : {}),
      });
    } catch (error) {
      // One unreadable attachment does not hide a readable one; if none reads, the page's parse failed.
      if (!(error instanceof AttachmentUnreadableError)) throw error;
      unreadable.push(messageOf(error));
      continue;
    }
    if (result.kind === 'report') return { parsed: result, key, sha256: meta.sha256, meta };
  }
  return unreadable.length ? { unreadable: `attachment unreadable: ${unreadable.join('; ')}` } : undefined;
}
