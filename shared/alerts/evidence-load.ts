import type { Body } from '../domain/body.ts';
import type { Finding } from '../domain/finding.ts';
import { parseFindingId } from '../read/finding-id.ts';
import type { StageContext } from '../stages/context.ts';
import type { RawMeta } from '../store/archive.ts';
import { listChecks } from '../store/crawl-state.ts';
import type { CheckEntry } from '../store/records.ts';

/** What the evidence page shows for one finding (evidence-page.ts renders it). */
export interface EvidenceView {
  id: string;
  body: Body;
  year: number;
  finding: Finding;
  reportUrl?: string;
  /** The archived copy the finding was made on: its key and what the crawler recorded when fetching it. */
  raw?: { key: string; meta: RawMeta; bytes: Uint8Array };
  /** The report's original text, which the evidence offsets point into. */
  originalText?: string;
  /** A missing report: the newest check-log entries, the listing reads behind the accusation. */
  checks?: CheckEntry[];
}

/**
 * Loads a finding by its public id (`<bodyId>:<year>:<rule>:<n>`, shared/read/finding-id.ts): the alert
 * raised for it (n = 0; it carries every finding of the rule on the report) or the report's n-th finding
 * of the rule; then its archived copy, the report's text and, for a missing report, the check log.
 * Undefined when the id is malformed, names no body, or nothing public stands behind it (admin-only
 * alerts, such as an inconclusive listing, are not published).
 */
export async function loadEvidence(ctx: StageContext, id: string): Promise<EvidenceView | undefined> {
  const ref = parseFindingId(id);
  const body = ref ? ctx.registry.get(ref.bodyId) : undefined;
  if (!ref || !body) return undefined;
  const alert = ref.n === 0 ? await ctx.repo.getAlert(`${ref.rule}/${ref.bodyId}/${ref.year}`) : undefined;
  if (alert?.audience === 'admins') return undefined;
  const report = await ctx.repo.getReport(ref.bodyId, ref.year);
  const finding = alert?.finding ?? report?.findings.filter((f) => f.rule === ref.rule)[ref.n];
  if (!finding) return undefined;
  const view: EvidenceView = { id, body, year: ref.year, finding };
  const reportUrl = alert?.reportUrl ?? (alert ? undefined : report?.url);
  if (reportUrl) view.reportUrl = reportUrl;
  const rawKey = alert ? alert.rawKey : report?.rawKey;
  if (rawKey) {
    const { bytes, meta } = await ctx.archive.get(rawKey);
    view.raw = { key: rawKey, meta, bytes };
    if (report && report.rawKey === rawKey) {
      const parsed = (await ctx.archive.getJson(report.parsedKey)) as { originalText?: unknown };
      if (typeof parsed.originalText === 'string') view.originalText = parsed.originalText;
    }
  }
  if (ref.rule === 'deadline.missing') view.checks = await listChecks(ctx.repo, ref.bodyId, 5);
  return view;
}

/** Whether `key` is an archived object of this body (raw/<bodyId>/…): downloads never reach other keys. */
export function isBodyObject(bodyId: string, key: string): boolean {
  return key.startsWith(`raw/${bodyId}/`) && !key.includes('..') && !key.endsWith('.meta.json');
}
