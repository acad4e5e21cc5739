import type { Evidence } from '#shared/domain/finding.ts';
import type { CheckSummary } from '#shared/store/records.ts';

/** Whether the latest check proves that year Y's report is not on the listing, and if not, why. */
export type AbsenceProof = { proven: true; evidence: Evidence[] } | { proven: false; reasons: string[] };

/**
 * "Missing" is an accusation, so it needs proof that the listing was read completely (docs/domain.md, outcomes
 * of a due year): the latest check read every listing page to the listing's end — or to years older than
 * Y — with no unread frame, no unresolved script pagination, no failed listing page, and no candidate link
 * for Y (or with no year) that failed or is not parsed yet. Anything less is *inconclusive*.
 * `summary` is the body's latest check (a 304 inherits the last full walk, see walk-plan.ts).
 */
export function absenceProof(year: number, summary: CheckSummary | undefined): AbsenceProof {
  if (!summary) return { proven: false, reasons: ['the listing has never been checked'] };
  const reasons: string[] = [];
  if (summary.unread.length > 0) reasons.push(...summary.unread.map((u) => `not read: ${u}`));
  if (!summary.complete && summary.unread.length === 0)
    reasons.push('the walk of the listing did not finish');
  if (summary.newestYear === null)
    reasons.push('the listing shows no annual report at all (moved, redirected, or built in a way not read)');
  const named = summary.pages.filter((p) => p.namedYears?.includes(year)).map((p) => p.url);
  if (named.length)
    reasons.push(`the text of ${named.join(', ')} names a ${year} report that no recognised link carries`);
  const older = summary.oldestYear !== null && summary.oldestYear < year;
  if (summary.complete && !summary.reachedEnd && !older)
    reasons.push(`the walk stopped before reaching ${year} or older years`);
  if (summary.unsettledYears.includes(year))
    reasons.push(`a candidate link for ${year} failed or is not parsed yet`);
  if (summary.unsettledUnknown > 0)
    reasons.push(`${summary.unsettledUnknown} candidate link(s) naming no year failed or are not parsed yet`);
  if (reasons.length) return { proven: false, reasons };
  return { proven: true, evidence: proofEvidence(summary) };
}

/** The listing pages read, when, their HTTP status and snapshot hashes, and the years they showed. */
function proofEvidence(s: CheckSummary): Evidence[] {
  const years =
    s.newestYear === null ? 'no report years seen' : `report years seen ${s.oldestYear}–${s.newestYear}`;
  const out: Evidence[] = [
    {
      quote: `listing read ${s.reachedEnd ? 'to its last page' : `to years older than the one in question`} (${s.pages.length} page(s); ${years})`,
      where: 'check log',
      computation: `check ${s.at}${s.inheritedFrom ? ` (listing unchanged since the full read of ${s.inheritedFrom})` : ''}`,
    },
  ];
  for (const p of s.pages) {
    out.push({
      quote: p.url,
      where: 'listing page read',
      computation: [
        `read ${p.at}`,
        p.status === 304 ? 'HTTP 304 (unchanged)' : `HTTP ${p.status ?? '—'}`,
        p.sha256 ? `snapshot sha256 ${p.sha256}` : null,
        p.rendered ? 'rendered in Chromium' : null,
        p.years.length ? `years listed ${p.years.join(', ')}` : 'no report years listed',
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  return out;
}
