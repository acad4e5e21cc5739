import { describe, expect, it } from 'vitest';
import {
  candidatesDigest,
  compactCandidates,
  holderOf,
  missingHolders,
  resolveCandidates,
} from '#shared/evidence/candidate-ref.ts';
import { type StoredEntry, sealEntry, verifyChain } from '#shared/evidence/check-chain.ts';
import { provingEntries } from '#shared/evidence/proof-select.ts';

const list = [
  { url: 'https://a.example/2024.html', title: '2024年报告', year: 2024, state: 'parsed' },
  { url: 'https://a.example/2023.html', title: '2023年报告', year: 2023, state: 'parsed' },
];
const base = (at: string) => ({ at, bodyId: 'b', outcome: 'not-modified', candidates: list });

/** Seals entries one after another the way finishCheck does: compact against the newest, then seal. */
function log(entries: Array<{ at: string; candidates: unknown[] }>): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const e of entries) {
    const newest = out.at(-1);
    const stored = compactCandidates(e, holderOf(newest));
    const link = newest?.chain as { seq: number; hash: string } | undefined;
    out.push(sealEntry(stored, link ?? null) as StoredEntry);
  }
  return out;
}

describe('candidate lists by reference', () => {
  it('refers to the entry holding the list, one hop, and resolves back to the same list', () => {
    const stored = log([
      base('2025-01-01T00:00:00.000Z'),
      base('2025-01-02T00:00:00.000Z'),
      base('2025-01-03T00:00:00.000Z'),
    ]);
    expect(stored[0]?.candidates).toEqual(list);
    expect(stored[1]).toMatchObject({ candidatesFrom: { at: '2025-01-01T00:00:00.000Z', seq: 1 } });
    expect(stored[2]).toMatchObject({ candidatesFrom: { at: '2025-01-01T00:00:00.000Z', seq: 1 } });
    expect(stored[2]?.candidates).toBeUndefined();
    const { entries, unresolved } = resolveCandidates(stored);
    expect(unresolved).toEqual([]);
    for (const e of entries) expect(e.candidates).toEqual(list);
    expect(verifyChain('b', stored).breaks).toEqual([]);
  });

  it('keeps a changed list, and an empty one, in full', () => {
    const changed = [{ ...list[0], state: 'queued' }, list[1]];
    const stored = log([
      base('2025-01-01T00:00:00.000Z'),
      { ...base('2025-01-02T00:00:00.000Z'), candidates: changed },
      { ...base('2025-01-03T00:00:00.000Z'), candidates: [] },
      { ...base('2025-01-04T00:00:00.000Z'), candidates: [] },
    ]);
    expect(stored[1]?.candidates).toEqual(changed);
    expect(stored[1]?.candidatesFrom).toBeUndefined();
    expect(stored[3]).toMatchObject({ candidates: [], candidatesDigest: candidatesDigest([]) });
  });

  it('an entry written before digests holds its list and is never referred to; old logs read as before', () => {
    const old = sealEntry(base('2025-01-01T00:00:00.000Z'), null) as StoredEntry;
    expect(holderOf(old)).toBeUndefined();
    const next = compactCandidates(base('2025-01-02T00:00:00.000Z'), holderOf(old));
    expect(next.candidates).toEqual(list);
    expect(resolveCandidates([old]).entries).toEqual([old]);
  });

  it('a package path whose holder is off the path: verified against the referenced entry, an edit is a list-mismatch', () => {
    const stored = log([base('2025-01-01T00:00:00.000Z'), base('2025-01-02T00:00:00.000Z')]);
    const [holder, ref] = stored as [StoredEntry, StoredEntry];
    expect(missingHolders([ref])).toEqual([holder.at]);
    expect(verifyChain('b', [ref], [], [holder]).breaks.filter((b) => b.kind === 'list-mismatch')).toEqual(
      [],
    );
    const edited = { ...holder, candidates: list.slice(1) };
    // (The path starts at entry 2: its `missing` of entry 1 is the package verifier's to ignore.)
    expect(verifyChain('b', [ref], [], [edited]).breaks.filter((b) => b.kind !== 'missing')).toEqual([
      expect.objectContaining({ kind: 'list-mismatch', seq: 2 }),
    ]);
    expect(verifyChain('b', [ref]).breaks).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'list-mismatch', seq: 2 })]),
    );
    // A reader never takes an edited list for the referring entry's.
    expect(resolveCandidates([ref], [edited]).unresolved).toHaveLength(1);
  });

  it('proof selection: an entry whose referenced list does not resolve never counts as a read without the report', () => {
    const url = 'https://a.example/2025.html';
    const read = (at: string, candidates: unknown[]) => ({
      ...base(at),
      outcome: 'read',
      complete: true,
      candidates,
    });
    const stored = log([
      read('2026-01-10T00:00:00.000Z', list),
      read('2026-01-11T00:00:00.000Z', list),
      read('2026-01-12T00:00:00.000Z', [...list, { url, title: '2025年报告', year: 2025, state: 'parsed' }]),
    ]);
    const asOf = '2026-02-01T00:00:00.000Z';
    const why = (entries: StoredEntry[]) =>
      provingEntries(entries, 2025, asOf, url, '2026-01-01').map((p) => p.seq);
    expect(why(stored)).toEqual([1, 2, 3]);
    const edited = stored.map((e, i) => (i === 0 ? { ...e, candidates: list.slice(1) } : e));
    expect(why(edited)).toEqual([1, 3]);
  });
});
