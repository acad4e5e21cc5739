import type { StageContext } from './context.ts';
import type { ParseOutcome } from './parse-stage.ts';
import { handleParse } from './parse-stage.ts';

export interface ReparseChange {
  rawKey: string;
  bodyId: string;
  before: { year: number; format: string; publishedAt: string | null; rules: string[] } | null;
  after: ParseOutcome;
  changed: string[];
}

/**
 * Re-parses archived detail pages (after a parser or rule improvement) and records what changed per
 * report: year, format, page date, the set of rules that fire. Only findings never alerted before alert.
 */
export async function reparseArchive(
  ctx: StageContext,
  bodyIds?: readonly string[],
): Promise<ReparseChange[]> {
  const changes: ReparseChange[] = [];
  const ids = bodyIds ?? [...ctx.registry.keys()];
  for (const bodyId of ids) {
    const reports = await ctx.repo.listReports(bodyId);
    // Superseded versions of a report are kept as its revisions, not parsed again: re-parsing an older copy
    // would count it as a new revision and make it the current one (the raw keys list in hash order, not in
    // time order). Each report's current version is re-parsed; pages that are no report's are too.
    const current = new Set(reports.map((r) => r.rawKey));
    const superseded = new Set<string>();
    for (const r of reports)
      if (r.revisions > 1)
        for (const rev of await ctx.repo.listRevisions(bodyId, r.year))
          if (!current.has(rev.rawKey)) superseded.add(rev.rawKey);
    for (const key of await ctx.archive.list(bodyId)) {
      if (!key.endsWith('.html') || superseded.has(key)) continue;
      const { meta } = await ctx.archive.get(key);
      if (meta.kind !== 'detail') continue;
      const old = reports.find((r) => r.sha256 === meta.sha256);
      const before = old
        ? {
            year: old.year,
            format: old.format,
            publishedAt: old.publishedAt,
            rules: [...new Set(old.findings.map((f) => f.rule))].sort(),
          }
        : null;
      const after = await handleParse(
        { type: 'parse', bodyId, rawKey: key, reparse: true, attachmentKeys: [] },
        ctx,
      );
      const now = after.year !== undefined ? await ctx.repo.getReport(bodyId, after.year) : undefined;
      const changed: string[] = [];
      if (!before && after.result === 'report') changed.push('now recognised as a report');
      if (before && after.result !== 'report') changed.push(`no longer a report: ${after.reason}`);
      if (before && now) {
        if (before.year !== now.year) changed.push(`year ${before.year} → ${now.year}`);
        if (before.format !== now.format) changed.push(`format ${before.format} → ${now.format}`);
        if (before.publishedAt !== now.publishedAt)
          changed.push(`page date ${before.publishedAt} → ${now.publishedAt}`);
        const rules = [...new Set(now.findings.map((f) => f.rule))].sort();
        const added = rules.filter((r) => !before.rules.includes(r));
        const removed = before.rules.filter((r) => !rules.includes(r));
        if (added.length) changed.push(`new findings: ${added.join(', ')}`);
        if (removed.length) changed.push(`findings gone: ${removed.join(', ')}`);
      }
      changes.push({ rawKey: key, bodyId, before, after, changed });
    }
  }
  return changes;
}
