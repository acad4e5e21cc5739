import { beijingDate } from '#shared/domain/clock.ts';
import type { Evidence, Finding } from '#shared/domain/finding.ts';
import type { PublishedAt } from '#shared/domain/report.ts';
import { finding } from './findings.ts';
import type { RuleInfo } from './types.ts';

/** Raised by the parse stage from the report's stored revisions (report rules see one version only). */
export const dateChanged: RuleInfo = {
  id: 'date.changed',
  severity: 'warning',
  description: {
    zh: '报告页面的发布日期在后来的修订中被改动',
    en: 'The page date (发布日期) of the report was changed in a later revision',
  },
};

/** One stored revision of a report as the rule reads it: when it was first seen and the page date parsed from it. */
export interface DatedRevision {
  /** ISO instant the revision was first fetched. */
  firstSeen: string;
  sha256: string;
  url: string;
  /** Null when the revision's parsed record could not be read. */
  publishedAt: PublishedAt | null;
}

/**
 * `date.changed` (warning): along the revisions of one report (ordered by first-seen time), the page date
 * parsed from a revision differs from the one parsed from the previous readable revision, both read from
 * the same kind of source (`meta`, `text` or `url`: a date found in another place, e.g. a page rendered
 * differently that shows a field the other copy lacked, is not a change of the date) and neither absent.
 * A re-fetch or re-render that parses to the same date is no change. Evidence: both revisions of each change
 * (date, the text it was read from, first-seen time, sha256, URL). Null when the date never changed. Pure.
 * docs/evidence.md, "Back-dating".
 */
export function dateChangedFinding(revisions: readonly DatedRevision[]): Finding | null {
  const dated = [...revisions]
    .filter((r) => r.publishedAt?.date && r.publishedAt.source !== 'none')
    .sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0));
  const changes: Array<[DatedRevision, DatedRevision]> = [];
  for (let i = 1; i < dated.length; i++) {
    const [a, b] = [dated[i - 1] as DatedRevision, dated[i] as DatedRevision];
    if (a.publishedAt?.source === b.publishedAt?.source && a.publishedAt?.date !== b.publishedAt?.date)
      changes.push([a, b]);
  }
  if (changes.length === 0) return null;
  const shown = new Set<string>();
  const evidence: Evidence[] = [];
  for (const pair of changes)
    for (const r of pair) {
      const id = `${r.firstSeen}#${r.sha256}`;
      if (shown.has(id)) continue;
      shown.add(id);
      evidence.push(revisionEvidence(r));
    }
  const zh = changes
    .map(
      ([a, b]) => `${a.publishedAt?.date}→${b.publishedAt?.date}(${beijingDate(new Date(b.firstSeen))}发现)`,
    )
    .join(';');
  const en = changes
    .map(
      ([a, b]) =>
        `${a.publishedAt?.date} → ${b.publishedAt?.date} (seen ${beijingDate(new Date(b.firstSeen))})`,
    )
    .join('; ');
  return finding(
    dateChanged,
    {
      zh: `报告页面的发布日期在修订中被改动:${zh}`,
      en: `The page date was changed between revisions: ${en}`,
    },
    evidence,
  );
}

function revisionEvidence(r: DatedRevision): Evidence {
  const p = r.publishedAt as PublishedAt;
  return {
    quote: p.raw ?? (p.date as string),
    where: `page date (发布日期), revision first seen ${r.firstSeen}`,
    computation: `date ${p.date} read from ${p.source}; revision sha256 ${r.sha256}; ${r.url}`,
  };
}
