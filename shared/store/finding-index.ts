/*
 * The findings index (GSI `byFinding`, docs/architecture.md, Data): a sparse index over the items that hold
 * public findings, so a scope's newest findings are a few Queries, whatever the number of bodies.
 * Pure: which item is indexed and under which keys; the store's writes apply it.
 */

/** The index's name and its key attributes (a second GSI beside `byScope`). */
export const FINDINGS_INDEX = 'byFinding';
export const FINDINGS_PK = 'gsi2pk';
export const FINDINGS_SK = 'gsi2sk';

/**
 * The sweep's public decisions, as the read model lists them (kept equal to the read model's
 * PUBLIC_SWEEP_RULES by a unit test: the store cannot import the read layer).
 */
export const INDEXED_SWEEP_RULES: readonly string[] = [
  'deadline.missing',
  'deadline.published-late',
  'deadline.retracted',
];

/**
 * Bumped when the key layout changes: a store whose marker names an older version is read the slow way
 * (one Query per body) until `nianbao reindex-findings` has indexed it again.
 */
export const FINDINGS_INDEX_VERSION = 1;

/** The item saying every item of the table is indexed (written by ensureTable on a new table or by the backfill). */
export const findingsIndexMarkerKey = { pk: 'INDEX#findings', sk: 'STATE' } as const;

/** A report item's findings' time: when it last gained a finding, else when it was first seen (ISO 8601). */
export function findingsTime(item: { findingsAt?: unknown; firstSeen?: unknown }): string | null {
  if (typeof item.findingsAt === 'string') return item.findingsAt;
  return typeof item.firstSeen === 'string' ? item.firstSeen : null;
}

/**
 * Whether `next` holds a finding `previous` did not: some rule found more often (a finding's id is its
 * rule and its rank among the report's findings of that rule). Findings only dropped are no news.
 */
export function gainsFinding(
  previous: ReadonlyArray<{ rule: string }>,
  next: ReadonlyArray<{ rule: string }>,
): boolean {
  const count = (list: ReadonlyArray<{ rule: string }>) => {
    const m = new Map<string, number>();
    for (const f of list) m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
    return m;
  };
  const before = count(previous);
  return [...count(next)].some(([rule, n]) => n > (before.get(rule) ?? 0));
}

/** A province's partition of the index: the body id's first two digits (its GB/T 2260 province). */
export const findingsPartition = (bodyId: string): string => `FINDINGS#${bodyId.slice(0, 2)}`;

/**
 * The index keys an item should carry, or null when it holds no public finding:
 * - a current report item (`REPORT#<year>`, not a revision) with at least one finding:
 *   `<findingsAt or firstSeen>#<bodyId>#<year>#REPORT` (its findings are known from the report's first-seen
 *   time, or from when it last gained one: `findingsTime`);
 * - a public sweep alert (`ALERT#<rule>/<bodyId>/<year>`, rule in INDEXED_SWEEP_RULES):
 *   `<createdAt>#<bodyId>#<year>#<rule>`.
 * The partition is the body's province (`FINDINGS#<first two digits of the body id>`, which the registry
 * makes its divisionCode's). Times are ISO 8601 instants, so the sort key orders by time.
 */
export function findingIndexKeys(item: Record<string, unknown>): Record<string, string> | null {
  const { pk, sk, bodyId, year } = item;
  if (typeof pk !== 'string' || typeof sk !== 'string' || typeof bodyId !== 'string') return null;
  if (typeof year !== 'number' || !/^\d{2}/.test(bodyId)) return null;
  if (/^REPORT#\d+$/.test(sk) && pk === `BODY#${bodyId}`) {
    const { findings } = item;
    const at = findingsTime(item);
    if (!Array.isArray(findings) || findings.length === 0 || at === null) return null;
    return {
      [FINDINGS_PK]: findingsPartition(bodyId),
      [FINDINGS_SK]: `${at}#${bodyId}#${year}#REPORT`,
    };
  }
  if (sk === 'ALERT' && typeof item.rule === 'string' && INDEXED_SWEEP_RULES.includes(item.rule)) {
    const { rule, createdAt } = item;
    if (pk !== `ALERT#${rule}/${bodyId}/${year}` || typeof createdAt !== 'string') return null;
    return {
      [FINDINGS_PK]: findingsPartition(bodyId),
      [FINDINGS_SK]: `${createdAt}#${bodyId}#${year}#${rule}`,
    };
  }
  return null;
}

/** `item` with its index keys as findingIndexKeys gives them (and without stale ones when it gives none). */
export function withFindingIndex<T extends Record<string, unknown>>(item: T): T {
  const { [FINDINGS_PK]: _p, [FINDINGS_SK]: _s, ...rest } = item;
  const index = findingIndexKeys(rest);
  return (index ? { ...rest, ...index } : rest) as T;
}

/** The time an index sort key starts with (ISO 8601 instants hold no `#`). */
export const indexedAt = (sortKey: string): string => sortKey.slice(0, sortKey.indexOf('#'));
