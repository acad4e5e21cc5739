import { z } from 'zod';
import { decodeBody } from '../crawl/decode.ts';
import { titleYear } from '../crawl/discover.ts';
import type { Body } from '../domain/body.ts';
import { deadlineFor, timeliness } from '../domain/deadlines.ts';
import type { Finding } from '../domain/finding.ts';
import { ParsedReport, type PublishedAt } from '../domain/report.ts';
import { parseAttachment } from '../parse/attachments.ts';
import { dateFromUrl } from '../parse/dates.ts';
import { parseReport } from '../parse/parse-report.ts';
import type { ParseMessage } from '../queue/queue.ts';
import { runRules } from '../rules/run-rules.ts';
import type { RawMeta } from '../store/archive.ts';
import { markLinkParsed } from '../store/link-batch.ts';
import type { ReportChange } from '../store/repository.ts';
import { requireBody, type StageContext } from './context.ts';
import { type AlertToRaise, raiseAlert } from './raise-alert.ts';

const AttachmentType = z.enum(['pdf', 'doc', 'docx', 'xls', 'xlsx']);

export interface ParseOutcome {
  rawKey: string;
  bodyId: string;
  result: 'report' | 'not-a-report';
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
  const outcome = await parseArchived(message, ctx);
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
    if (!direct)
      return {
        rawKey: message.rawKey,
        bodyId: body.id,
        result: 'not-a-report',
        reason: 'the linked file does not read as a report',
        newAlerts: [],
      };
    return storeReport(message, ctx, body, direct.parsed, direct.key, direct.sha256, direct.meta);
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
  if (!found)
    return {
      rawKey: message.rawKey,
      bodyId: body.id,
      result: 'not-a-report',
      reason: page.kind === 'not-a-report' ? page.reason : 'no report found',
      newAlerts: [],
    };
  return storeReport(message, ctx, body, found.parsed, found.key, found.sha256, meta);
}

/** Judges, checks and stores one parsed report, then raises its new findings. */
async function storeReport(
  message: ParseMessage,
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

  const previous = await previousReports(ctx, body.id, year);
  const findings = runRules({ report, body, previous, today: ctx.today() });
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
    findings,
    revisions: 1,
  });
  if (change === 'unchanged' && message.reparse) await ctx.repo.setFindings(body.id, year, findings);
  const newAlerts = await raiseFindings(ctx, body.id, year, findings, meta.finalUrl, base.rawKey);
  return { ...base, result: 'report', year, change, newAlerts };
}

/** The first archived attachment of the page that parses as a report, with its own key and hash. */
async function fromAttachments(
  message: ParseMessage,
  pageUrl: string | null,
  body: Body,
  ctx: StageContext,
): Promise<{ parsed: ParsedReport; key: string; sha256: string; meta: RawMeta } | undefined> {
  const dated = pageUrl ? dateFromUrl(pageUrl) : null;
  const pagePublishedAt: PublishedAt | undefined = dated
    ? { date: dated.date, source: 'url', raw: dated.raw }
    : undefined;
  for (const key of message.attachmentKeys) {
    const type = key.split('.').pop();
    const known = AttachmentType.safeParse(type);
    if (!known.success) continue;
    const { bytes, meta } = await ctx.archive.get(key);
    const result = await parseAttachment({
      bytes,
      type: known.data,
      url: meta.finalUrl,
      pageUrl: pageUrl ?? meta.finalUrl,
      sha256: meta.sha256,
      registry: [body],
      ...(pagePublishedAt ? { pagePublishedAt } : {}),
    });
    if (result.kind === 'report') return { parsed: result, key, sha256: meta.sha256, meta };
  }
  return undefined;
}

async function previousReports(ctx: StageContext, bodyId: string, year: number): Promise<ParsedReport[]> {
  const items = (await ctx.repo.listReports(bodyId)).filter((r) => r.year < year);
  const out: ParsedReport[] = [];
  for (const item of items) {
    const parsed = ParsedReport.safeParse(await ctx.archive.getJson(item.parsedKey));
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** One alert per (rule, body, year), ever: re-runs alert only new findings. */
export async function raiseFindings(
  ctx: StageContext,
  bodyId: string,
  year: number,
  findings: readonly Finding[],
  reportUrl?: string,
  rawKey?: string,
): Promise<string[]> {
  const raised: string[] = [];
  for (const finding of groupByRule(findings)) {
    const alertId = `${finding.rule}/${bodyId}/${year}`;
    const a: AlertToRaise = { alertId, audience: 'subscribers', finding, bodyId, year };
    if (reportUrl) a.reportUrl = reportUrl;
    if (rawKey) a.rawKey = rawKey;
    if (await raiseAlert(ctx, a)) raised.push(alertId);
  }
  return raised;
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

/**
 * One alert per rule: several findings of the same rule on one report (two wrong percentages) become
 * one finding with all their evidence, at the gravest severity, so none is lost to the once-only alert.
 */
export function groupByRule(findings: readonly Finding[]): Finding[] {
  const byRule = new Map<string, Finding>();
  for (const f of findings) {
    const seen = byRule.get(f.rule);
    if (!seen) {
      byRule.set(f.rule, { ...f, evidence: [...f.evidence] });
      continue;
    }
    seen.evidence.push(...f.evidence);
    if (RANK[f.severity] < RANK[seen.severity]) seen.severity = f.severity;
    if (!seen.message.zh.includes(f.message.zh)) {
      seen.message = { zh: `${seen.message.zh};${f.message.zh}`, en: `${seen.message.en}; ${f.message.en}` };
    }
  }
  return [...byRule.values()];
}
