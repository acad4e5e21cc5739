import { refOf, resolveCandidates } from './candidate-ref.ts';
import { type ChainLink, linkOf, type StoredEntry } from './check-chain.ts';
import { type DailyRoot, leafData, type RootLeaf } from './daily-root.ts';
import { inclusionProof } from './merkle.ts';

/** A check-log entry a package relies on, and why. */
export interface ProvingEntry {
  seq: number;
  at: string;
  why: string;
}

/**
 * The chain path of a package (docs/evidence.md, "Evidence package"): the sealed entries from the first
 * proving entry to the head a daily root committed, that root, the head's leaf and its inclusion proof.
 * `root` is null when no root covers the entries yet (the path then ends at the body's current head).
 */
export interface ChainPath {
  bodyId: string;
  entries: StoredEntry[];
  /**
   * The entries off the path that hold a candidate list an entry on it keeps by reference (as stored), so a
   * verifier checks that list against the digest the referring entry binds. Absent in older packages.
   */
  referenced?: StoredEntry[];
  root: DailyRoot | null;
  leaf: RootLeaf | null;
  leafIndex: number | null;
  treeSize: number | null;
  proof: string[];
}

const seqOf = (e: StoredEntry): number => (linkOf(e) as ChainLink).seq;

interface CandidateLike {
  url?: unknown;
  year?: unknown;
}

const lists = (e: StoredEntry, year: number, url?: string): boolean =>
  Array.isArray(e.candidates) &&
  (e.candidates as CandidateLike[]).some((c) => c.year === year || (url !== undefined && c.url === url));

/**
 * The entries that prove a report's presence or absence. Present (`reportUrl` given): the first and the
 * latest check whose candidates list it (or its year), preceded, for a back-dated report (`backdatedFrom`: its
 * page date), by the complete reads after that date that did not list it. Absent: the latest check at or
 * before `asOf` and, when it is a 304 that relies on an earlier full read, that read. Only sealed entries
 * count. Pure.
 */
export function provingEntries(
  entries: readonly StoredEntry[],
  year: number,
  asOf: string,
  reportUrl?: string,
  backdatedFrom?: string,
): ProvingEntry[] {
  // Lists kept by reference are read from the entry holding them. An entry whose list cannot be resolved
  // (holder gone, list edited: a list-mismatch) proves nothing either way: left out, so it never counts as a
  // read that did not list the report.
  const { entries: resolved, unresolved } = resolveCandidates(entries);
  const unknown = new Set(unresolved.map((u) => u.at));
  const sealed = resolved.filter((e) => linkOf(e) && !unknown.has(e.at)).sort((a, b) => seqOf(a) - seqOf(b));
  const at = (e: StoredEntry) => String(e.at);
  const out: ProvingEntry[] = [];
  if (reportUrl !== undefined) {
    const listing = sealed.filter((e) => lists(e, year, reportUrl));
    const first = listing[0];
    const last = listing.at(-1);
    // date.backdated: the complete reads after the page date that did not list the report.
    if (backdatedFrom && first)
      for (const e of sealed)
        if (at(e) > backdatedFrom && at(e) < at(first) && e.complete === true && !lists(e, year, reportUrl))
          out.push({
            seq: seqOf(e),
            at: at(e),
            why: `complete read of the listing after the page date ${backdatedFrom} that did not list the ${year} report`,
          });
    if (first)
      out.push({ seq: seqOf(first), at: at(first), why: `first check that listed the ${year} report` });
    if (last && last !== first)
      out.push({ seq: seqOf(last), at: at(last), why: `latest check that listed the ${year} report` });
    return out;
  }
  const latest = sealed.filter((e) => at(e) <= asOf).at(-1);
  if (!latest) return out;
  out.push({
    seq: seqOf(latest),
    at: at(latest),
    why: `latest check before ${asOf}: no ${year} report listed`,
  });
  const inherited = typeof latest.inheritedFrom === 'string' ? latest.inheritedFrom : null;
  const full = inherited ? sealed.find((e) => at(e) === inherited) : undefined;
  if (full)
    out.unshift({
      seq: seqOf(full),
      at: at(full),
      why: `the full read of the listing the latest check relies on (answered 304 since)`,
    });
  return out;
}

/**
 * The chain path for proving entries: from the first of them to the head committed by the earliest daily
 * root that covers the last of them (`roots` oldest first, each with its leaves), with the Merkle inclusion
 * proof of that head. Pure.
 */
export function chainPath(
  bodyId: string,
  entries: readonly StoredEntry[],
  proving: readonly ProvingEntry[],
  roots: ReadonlyArray<{ root: DailyRoot; leaves: readonly RootLeaf[] }>,
): ChainPath {
  const sealed = entries.filter((e) => linkOf(e)).sort((a, b) => seqOf(a) - seqOf(b));
  const from = Math.min(
    ...proving.map((p) => p.seq),
    sealed.at(-1) ? seqOf(sealed.at(-1) as StoredEntry) : 1,
  );
  const to = Math.max(...proving.map((p) => p.seq), from);
  for (const { root, leaves } of roots) {
    const index = leaves.findIndex((l) => l.bodyId === bodyId && l.seq >= to);
    if (index < 0) continue;
    const leaf = leaves[index] as RootLeaf;
    const path = sealed.filter((e) => seqOf(e) >= from && seqOf(e) <= leaf.seq);
    return {
      bodyId,
      entries: path,
      referenced: holdersOff(path, entries),
      root,
      leaf,
      leafIndex: index,
      treeSize: leaves.length,
      proof: inclusionProof(leaves.map(leafData), index),
    };
  }
  const path = sealed.filter((e) => seqOf(e) >= from);
  return {
    bodyId,
    entries: path,
    referenced: holdersOff(path, entries),
    root: null,
    leaf: null,
    leafIndex: null,
    treeSize: null,
    proof: [],
  };
}

/** The entries (as stored) holding the lists that entries on `path` refer to, when not on the path. */
function holdersOff(path: readonly StoredEntry[], all: readonly StoredEntry[]): StoredEntry[] {
  const onPath = new Set(path.map((e) => e.at));
  const wanted = new Set(path.flatMap((e) => refOf(e)?.at ?? []).filter((at) => !onPath.has(at)));
  return all.filter((e) => typeof e.at === 'string' && wanted.has(e.at));
}
