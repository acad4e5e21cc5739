import { canonicalHash } from './canonical-json.ts';
import type { StoredEntry } from './check-chain.ts';

/**
 * Where a stored check-log entry's candidate list is kept when it is the same as the previous entry's
 * (docs/evidence.md, "Candidate lists by reference"): the `at` (its `CHECK#<at>` key) and chain `seq` of the
 * entry that HOLDS the list, never an entry that itself refers on, so one read resolves it.
 */
export interface CandidatesRef {
  at: string;
  seq: number;
}

/** What the next entry needs to know of the body's newest entry to refer to its list. */
export interface ListHolder {
  /** `candidatesDigest` of the newest entry (absent on entries written before digests existed). */
  digest: string | undefined;
  /** The entry holding that list: the newest entry itself, or the one it refers to. */
  ref: CandidatesRef | undefined;
}

/**
 * The digest of a candidate list: SHA-256 (lowercase hex) of its canonical JSON (RFC 8785, `undefined`
 * members dropped, as stored). Binds a referenced list: the referring entry's hash covers the digest.
 */
export function candidatesDigest(candidates: readonly unknown[]): string {
  return canonicalHash(JSON.parse(JSON.stringify(candidates)));
}

/**
 * The holder a new entry may refer to, read from the body's newest stored entry (a projection holding at
 * least `at`, `chain`, `candidatesDigest`, `candidatesFrom`), or undefined when it has no digest.
 */
export function holderOf(newest: StoredEntry | undefined): ListHolder | undefined {
  if (!newest || typeof newest.candidatesDigest !== 'string') return undefined;
  const from = refOf(newest);
  if (from) return { digest: newest.candidatesDigest, ref: from };
  const seq = (newest.chain as { seq?: unknown } | undefined)?.seq;
  // An entry with a digest and no reference holds its list (the projection need not carry it). A list on an
  // unsealed entry is never referred to: the reference names a chain seq.
  if (typeof seq !== 'number' || typeof newest.at !== 'string')
    return { digest: newest.candidatesDigest, ref: undefined };
  return { digest: newest.candidatesDigest, ref: { at: newest.at, seq } };
}

/** The reference a stored entry carries instead of its list, or null. */
export function refOf(entry: StoredEntry): CandidatesRef | null {
  const r = entry.candidatesFrom as Partial<CandidatesRef> | undefined;
  return r && typeof r === 'object' && typeof r.at === 'string' && typeof r.seq === 'number'
    ? { at: r.at, seq: r.seq }
    : null;
}

/**
 * The stored form of a new entry (before sealing): its list's digest added, and, when the body's newest
 * entry carries the same digest and names a holder, the list replaced by `candidatesFrom` (the holder's
 * `at` and `seq`). An empty list is kept as it is (it weighs nothing). Pure.
 */
export function compactCandidates<T extends { candidates: readonly unknown[]; at?: string }>(
  entry: T,
  newest: ListHolder | undefined,
): Omit<T, 'candidates'> & {
  candidates?: T['candidates'];
  candidatesDigest: string;
  candidatesFrom?: CandidatesRef;
} {
  const digest = candidatesDigest(entry.candidates);
  // Never a reference to the key the entry itself is written to (two checks of one body in the same
  // millisecond): the write would replace the very list it names. Such an entry keeps its own list.
  if (entry.candidates.length > 0 && newest?.ref && newest.digest === digest && newest.ref.at !== entry.at) {
    const { candidates: _kept, ...rest } = entry;
    return { ...rest, candidatesDigest: digest, candidatesFrom: newest.ref };
  }
  return { ...entry, candidatesDigest: digest };
}

/** Why an entry's reference does not resolve to a list its digest binds, or null when it does. */
export function referenceProblem(entry: StoredEntry, holder: StoredEntry | undefined): string | null {
  const ref = refOf(entry);
  if (!ref) return null;
  if (!holder) return `its candidate list is kept on entry ${ref.seq} (CHECK#${ref.at}), which is not there`;
  if (!Array.isArray(holder.candidates))
    return `entry ${ref.seq} (CHECK#${ref.at}), named as holding its candidate list, holds none`;
  const actual = candidatesDigest(holder.candidates);
  return actual === entry.candidatesDigest
    ? null
    : `the candidate list on entry ${ref.seq} (CHECK#${ref.at}) hashes to ${actual}, this entry binds ${String(entry.candidatesDigest)}`;
}

/**
 * Entries with their referenced lists filled in from the holders among `entries` plus `holders` (matched
 * by `at`), as they were before lists were referenced; `candidatesFrom` and the digest stay. An entry whose
 * holder is absent or whose list does not give its digest is left without `candidates` (`unresolved` names
 * them). Pure.
 */
export function resolveCandidates(
  entries: readonly StoredEntry[],
  holders: readonly StoredEntry[] = [],
): { entries: StoredEntry[]; unresolved: Array<{ at: unknown; problem: string }> } {
  const byAt = new Map<string, StoredEntry>();
  for (const e of [...holders, ...entries])
    if (typeof e.at === 'string' && Array.isArray(e.candidates)) byAt.set(e.at, e);
  const unresolved: Array<{ at: unknown; problem: string }> = [];
  const out = entries.map((e) => {
    const ref = refOf(e);
    if (!ref || Array.isArray(e.candidates)) return e;
    const holder = byAt.get(ref.at);
    const problem = referenceProblem(e, holder);
    if (problem || !holder) {
      unresolved.push({ at: e.at, problem: problem ?? 'unresolved' });
      return e;
    }
    return { ...e, candidates: holder.candidates };
  });
  return { entries: out, unresolved };
}

/** The `at` keys of holders that `entries` refer to but do not contain. */
export function missingHolders(entries: readonly StoredEntry[]): string[] {
  const present = new Set(entries.filter((e) => Array.isArray(e.candidates)).map((e) => e.at as string));
  const out = new Set<string>();
  for (const e of entries) {
    const ref = refOf(e);
    if (ref && !Array.isArray(e.candidates) && !present.has(ref.at)) out.add(ref.at);
  }
  return [...out];
}
