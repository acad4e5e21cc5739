import { createHash } from 'node:crypto';
import type { YearVerdict } from './sweep.ts';

/**
 * Bumped whenever `sweepBody` can decide a different alert for the same verdicts (a new rule, a rule
 * keyed differently): every body's fingerprint then differs once and the next sweep reads each body in
 * full. A change of the verdicts themselves (a new absence-proof condition) needs no bump: the verdicts
 * are recomputed every day and a different one is a different fingerprint.
 */
export const SWEEP_RULES_VERSION = 1;

/**
 * The outcome-relevant part of a body's sweep: its due years, each year's deadline and status, and the
 * rules version, as 22 base64url characters (128 bits of SHA-256). Reasons, page dates and proof details
 * are left out: they change the wording of an alert, never which alerts exist, and every alert is raised
 * once ever (`<rule>/<body>/<year>`).
 *
 * The sweep stores it on the body's META item after every alert it decided for those verdicts was raised;
 * a later sweep that computes the same fingerprint from cheap reads knows those alerts exist (alerts are
 * never deleted) and skips the body's consistent reads (shared/stages/sweep-stage.ts).
 */
export function sweepFingerprint(
  years: readonly Pick<YearVerdict, 'year' | 'status' | 'deadline'>[],
): string {
  const canonical = JSON.stringify([
    SWEEP_RULES_VERSION,
    years.map((y) => [y.year, y.deadline.date, y.status]),
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
