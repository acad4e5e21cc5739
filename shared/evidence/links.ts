/**
 * Links to a finding's evidence package and complaint letter (routes in shared/api/routes/evidence-package.ts),
 * for the alert mail and the dashboard. `findingId` is the alert id (`rule/bodyId/year`) or, for a
 * package, a report year (`bodyId/year`); `base` is the public base URL without a trailing slash
 * (empty: a path).
 */

/** The rules a complaint letter is drafted for (docs/evidence.md, "Complaint letter"). */
export const LETTER_RULES = ['deadline.missing', 'deadline.late', 'date.backdated'] as const;

const encoded = (id: string) => encodeURIComponent(id);

/** `GET <base>/evidence/<id>/package.wacz`: the WACZ of a finding or a report year. */
export function evidencePackageUrl(findingId: string, base = ''): string {
  return `${base}/evidence/${encoded(findingId)}/package.wacz`;
}

/**
 * `GET <base>/evidence/<id>/letter.md` or `.docx`: the draft complaint letter, or null when the finding's
 * rule gets none (only missing, late and back-dated reports do).
 */
export function complaintLetterUrl(
  findingId: string,
  format: 'md' | 'docx' = 'md',
  base = '',
): string | null {
  const rule = findingId.split('/')[0] ?? '';
  if (!(LETTER_RULES as readonly string[]).includes(rule)) return null;
  return `${base}/evidence/${encoded(findingId)}/letter.${format}`;
}
