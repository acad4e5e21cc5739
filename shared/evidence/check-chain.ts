import { referenceProblem } from './candidate-ref.ts';
import { canonicalHash } from './canonical-json.ts';
import { outOfOrder } from './root-times.ts';

/** The link of a check-log entry in its body's hash chain (docs/evidence.md, "Check-log chain"). */
export interface ChainLink {
  /** 1 for a body's first chained entry, then +1 per entry. */
  seq: number;
  /** `hash` of the previous entry, null for the first. */
  prev: string | null;
  /** sha256 (hex) of the entry's canonical JSON with `chain.hash` left out. */
  hash: string;
}

/** A body's chain head: what the daily root commits to. */
export interface ChainHead {
  bodyId: string;
  seq: number;
  hash: string;
  at: string;
}

/** A stored check-log entry as read back (keys stripped): any JSON object, `chain` when sealed. */
export type StoredEntry = Record<string, unknown> & { at?: unknown; chain?: unknown };

/**
 * Seals a check-log entry onto its body's chain: the entry is reduced to its JSON form (what DynamoDB
 * stores and gives back: undefined members dropped) and gets `chain` = { seq, prev, hash }.
 * `previous` is the body's latest sealed entry's link, or null for the first.
 */
export function sealEntry<T extends object>(
  entry: T,
  previous: Pick<ChainLink, 'seq' | 'hash'> | null,
): T & { chain: ChainLink } {
  const plain = JSON.parse(JSON.stringify(entry)) as T & { chain?: unknown };
  delete plain.chain;
  const seq = previous ? previous.seq + 1 : 1;
  const prev = previous ? previous.hash : null;
  const hash = canonicalHash({ ...plain, chain: { seq, prev } });
  return { ...plain, chain: { seq, prev, hash } };
}

/** The link of a stored entry, or null when it carries none (written before the chain existed). */
export function linkOf(entry: StoredEntry): ChainLink | null {
  const c = entry.chain as Partial<ChainLink> | undefined;
  if (!c || typeof c !== 'object' || typeof c.seq !== 'number' || typeof c.hash !== 'string') return null;
  return { seq: c.seq, prev: typeof c.prev === 'string' ? c.prev : null, hash: c.hash };
}

/** The hash a stored entry should carry, recomputed from its content. */
export function recomputeHash(entry: StoredEntry): string {
  const link = linkOf(entry);
  return canonicalHash({ ...entry, chain: { seq: link?.seq ?? null, prev: link?.prev ?? null } });
}

export type BreakKind =
  /** The entry's content does not give the hash it carries: edited after it was written. */
  | 'edited'
  /** The entry names a previous hash that is not the previous entry's: an entry before it was replaced. */
  | 'prev-mismatch'
  /** Sequence numbers skip: entries were deleted. */
  | 'missing'
  /** Two entries carry one sequence number. */
  | 'fork'
  /** An entry after the chain began carries no link: its link was stripped. */
  | 'unsealed'
  /** A head a daily root committed to is not in the log as committed: the end was deleted or rewritten. */
  | 'root-mismatch'
  /** An entry is dated before the entry it follows, or after the daily root that committed it. */
  | 'time-order'
  /**
   * An entry keeps its candidate list by reference (`candidatesFrom`), and the entry named holds no list,
   * is not there, or holds a list that does not give the digest the referring entry binds.
   */
  | 'list-mismatch';

export interface ChainBreak {
  bodyId: string;
  kind: BreakKind;
  /** The entry's time (its `CHECK#<at>` key) where the break shows, when there is one. */
  at: string | null;
  seq: number | null;
  detail: string;
}

export interface ChainReport {
  bodyId: string;
  /** Sealed entries checked. */
  entries: number;
  /** Entries written before the chain began (not covered). */
  legacy: number;
  head: ChainHead | null;
  breaks: ChainBreak[];
  /** False when the body has entries but none carries a link: nothing about its log is verified. */
  covered: boolean;
}

/** The count of earlier entries the first sealed entry recorded (`chainStart.earlier`), if it did. */
function chainStartOf(entry: StoredEntry | undefined): number | null {
  const c = entry?.chainStart as { earlier?: unknown } | undefined;
  return c && typeof c === 'object' && typeof c.earlier === 'number' ? c.earlier : null;
}

/**
 * Verifies one body's check log: every entry's hash, every link to the previous entry, the sequence
 * without gaps, each head a daily root committed to (`committed`, any order), and every candidate list kept
 * by reference against the digest the referring entry binds (the holder among `entries` or `holders`,
 * matched by `at`). Pure.
 */
export function verifyChain(
  bodyId: string,
  entries: readonly StoredEntry[],
  committed: ReadonlyArray<{ date: string; seq: number; hash: string; rootAt?: string }> = [],
  holders: readonly StoredEntry[] = [],
): ChainReport {
  const sealed = entries
    .map((e) => ({ e, link: linkOf(e), at: typeof e.at === 'string' ? e.at : null }))
    .sort((a, b) => (a.link?.seq ?? 0) - (b.link?.seq ?? 0) || String(a.at).localeCompare(String(b.at)));
  const breaks: ChainBreak[] = [];
  const firstSealed = sealed.find((s) => s.link);
  const firstSealedAt = firstSealed?.at ?? null;
  const earlier = chainStartOf(firstSealed?.e);
  let legacy = 0;
  for (const s of sealed) {
    if (s.link) continue;
    const stripped = s.e.chainStart !== undefined;
    if (stripped || (firstSealedAt !== null && s.at !== null && s.at > firstSealedAt))
      breaks.push({
        bodyId,
        kind: 'unsealed',
        at: s.at,
        seq: null,
        detail: stripped
          ? 'the entry that started the chain carries no chain link: its link was stripped'
          : 'entry written after the chain began carries no chain link',
      });
    else legacy += 1;
  }
  if (earlier !== null && legacy > earlier) {
    breaks.push({
      bodyId,
      kind: 'unsealed',
      at: null,
      seq: null,
      detail: `${legacy} unlinked entries before the chain, but its first entry recorded ${earlier}: ${legacy - earlier} were added or stripped`,
    });
    legacy = Math.min(legacy, earlier);
  }
  const chained = sealed.filter((s) => s.link) as Array<{
    e: StoredEntry;
    link: ChainLink;
    at: string | null;
  }>;
  let previous: ChainLink | null = null;
  for (const { e, link, at } of chained) {
    const actual = recomputeHash(e);
    if (actual !== link.hash)
      breaks.push({
        bodyId,
        kind: 'edited',
        at,
        seq: link.seq,
        detail: `content hashes to ${actual}, the entry carries ${link.hash}`,
      });
    const expectedSeq = previous ? previous.seq + 1 : 1;
    if (previous && link.seq === previous.seq) {
      breaks.push({ bodyId, kind: 'fork', at, seq: link.seq, detail: `a second entry with seq ${link.seq}` });
    } else if (link.seq > expectedSeq) {
      breaks.push({
        bodyId,
        kind: 'missing',
        at,
        seq: link.seq,
        detail: `entries ${expectedSeq}–${link.seq - 1} are missing before this one`,
      });
    } else if ((previous?.hash ?? null) !== link.prev) {
      breaks.push({
        bodyId,
        kind: 'prev-mismatch',
        at,
        seq: link.seq,
        detail: `names previous hash ${link.prev ?? 'none'}, the previous entry carries ${previous?.hash ?? 'none'}`,
      });
    }
    previous = link;
  }
  const byAt = new Map<string, StoredEntry>();
  for (const e of [...holders, ...entries]) if (typeof e.at === 'string') byAt.set(e.at, e);
  for (const { e, link, at } of chained) {
    const from = e.candidatesFrom as { at?: unknown } | undefined;
    if (!from) continue;
    const problem = referenceProblem(e, typeof from.at === 'string' ? byAt.get(from.at) : undefined);
    if (problem) breaks.push({ bodyId, kind: 'list-mismatch', at, seq: link.seq, detail: problem });
  }
  for (const i of outOfOrder(chained.map((c) => c.at))) {
    const c = chained[i] as (typeof chained)[number];
    breaks.push({
      bodyId,
      kind: 'time-order',
      at: c.at,
      seq: c.link.seq,
      detail: `entry ${c.link.seq} is dated ${c.at}, before an entry that precedes it in the chain`,
    });
  }
  const bySeq = new Map(chained.map((c) => [c.link.seq, c.link.hash]));
  const atBySeq = new Map(chained.map((c) => [c.link.seq, c.at]));
  for (const c of committed) {
    const entryAt = atBySeq.get(c.seq);
    if (c.rootAt && entryAt && bySeq.get(c.seq) === c.hash && Date.parse(entryAt) > Date.parse(c.rootAt))
      breaks.push({
        bodyId,
        kind: 'time-order',
        at: entryAt,
        seq: c.seq,
        detail: `the daily root of ${c.date} (computed ${c.rootAt}) committed entry ${c.seq}, which is dated later, ${entryAt}`,
      });
    const stored = bySeq.get(c.seq);
    if (stored !== c.hash)
      breaks.push({
        bodyId,
        kind: 'root-mismatch',
        at: null,
        seq: c.seq,
        detail: stored
          ? `the daily root of ${c.date} committed entry ${c.seq} as ${c.hash}; the log's entry ${c.seq} carries ${stored}`
          : `the daily root of ${c.date} committed entry ${c.seq} (${c.hash}); it is not in the log`,
      });
  }
  const last = chained.at(-1);
  return {
    bodyId,
    entries: chained.length,
    legacy,
    head: last ? { bodyId, seq: last.link.seq, hash: last.link.hash, at: last.at ?? '' } : null,
    breaks,
    covered: chained.length > 0 || sealed.length === 0,
  };
}
