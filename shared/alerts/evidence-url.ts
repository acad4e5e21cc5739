import { findingId } from '../read/finding-id.ts';

/** A finding as the evidence page names it: body, report year, rule, and its rank among that rule's findings. */
export interface FindingRef {
  bodyId: string;
  year: number;
  rule: string;
  /** 0 for the first finding of the rule in the report (an alert stands for all of them: 0). */
  n?: number;
}

/** The evidence page's path: `/evidence/<bodyId>:<year>:<rule>:<n>` (the read model's finding id). */
export function evidencePath(f: FindingRef): string {
  return `/evidence/${findingId(f.bodyId, f.year, f.rule, f.n ?? 0)}`;
}

/**
 * The public URL of a finding's evidence page (served by shared/api/routes/evidence.ts), for mails,
 * the dashboard and evidence packages: `base` is the public base URL (NIANBAO_PUBLIC_URL). It ends in
 * `#q1`, so the browser opens the page scrolled to the first highlighted quote (no script needed).
 */
export function evidenceUrl(base: string, f: FindingRef): string {
  return `${base.replace(/\/+$/, '')}${evidencePath(f)}#q1`;
}
