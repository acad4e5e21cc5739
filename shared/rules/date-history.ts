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

/** The labels a page's date can carry, as the parser reads them (shared/parse/metadata.ts DATE_LABELS). */
const LABEL = /^(发布日期|发文日期|发布时间|生成日期|成文日期|时间|日期)/;

/**
 * Where a page date was read, finer than its `source`: the label in front of it (发布日期, 成文日期, …), the
 * `<meta>` name it came from, `url`, or `text`. Two dates with different labels are different facts (a
 * 成文日期 is when the document was written, a 发布日期 when it was published), never one date changed.
 */
export function dateLabelOf(p: PublishedAt): string {
  if (p.source !== 'meta') return p.source;
  const raw = (p.raw ?? '').trim();
  return LABEL.exec(raw)?.[1] ?? `meta:${raw.split(/[:：]/)[0]?.trim().toLowerCase() ?? ''}`;
}

/**
 * Whether a page date says when the page was PUBLISHED: read next to 发布日期 / 发布时间 / 发文日期, or from a
 * `<meta>` whose name says publish (PubDate, publishdate, firstpublishedtime…). A 成文日期 (written), 生成日期,
 * a bare 时间/日期 or a date in the URL (the CMS's creation path) is not, and cannot ground an accusation of
 * back-dating. docs/evidence.md, "Back-dating".
 */
export function isPublicationDate(p: PublishedAt): boolean {
  const label = dateLabelOf(p);
  return /^(发布日期|发布时间|发文日期)$/.test(label) || /^meta:.*(pub|发布)/i.test(label);
}

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
 * the same place (the same label, 发布日期 or 成文日期…, the same `<meta>`, or both the URL: a date found in
 * another place, e.g. a 发布日期 field a template added beside the 成文日期, is not a change of the date) and
 * neither absent.
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
    if (
      a.publishedAt &&
      b.publishedAt &&
      dateLabelOf(a.publishedAt) === dateLabelOf(b.publishedAt) &&
      a.publishedAt.date !== b.publishedAt.date
    )
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
