/**
 * A finding's public id: `<bodyId>:<year>:<rule>:<n>`, n counting the findings of that rule in that
 * report (0 for the first; a sweep finding is the only one of its rule and year). Stable as long as the
 * report's findings are, and readable in a URL (`/evidence/620421-rsj:2025:deadline.missing:0`).
 */
export function findingId(bodyId: string, year: number, rule: string, n: number): string {
  return `${bodyId}:${year}:${rule}:${n}`;
}

export interface FindingRef {
  bodyId: string;
  year: number;
  rule: string;
  n: number;
}

/** The parts of a finding id, or null when `id` is not one. */
export function parseFindingId(id: string): FindingRef | null {
  const m = /^(\d{2,9}(?:-[a-z0-9]+)?):(\d{4}):([a-z]+\.[a-z-]+):(\d{1,4})$/.exec(id);
  if (!m) return null;
  return { bodyId: m[1] as string, year: Number(m[2]), rule: m[3] as string, n: Number(m[4]) };
}
