import { describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/evidence/canonical-json.ts';
import { sealEntry, verifyChain } from '#shared/evidence/check-chain.ts';
import { inclusionProof, merkleRoot, verifyInclusion } from '#shared/evidence/merkle.ts';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts members by UTF-16 code units, drops undefined, writes numbers in their shortest form', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, é: 1e21, '\u20ac': 0.5, A: -0 })).toBe(
      '{"A":0,"a":[true,null,"x"],"b":1,"é":1e+21,"€":0.5}',
    );
    // RFC 8785 §3.2.3's own example of code-unit order: "\u20ac" (€) before "\ud83d\ude00" (😀) before "\ufb33".
    expect(canonicalJson({ '\ufb33': 1, '😀': 2, '€': 3 })).toBe('{"€":3,"😀":2,"דּ":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/not a JSON number/);
  });
});

describe('check-log chain', () => {
  const entries = () => {
    const a = sealEntry({ at: '2025-01-01T00:00:00.000Z', outcome: 'read', x: undefined }, null);
    const b = sealEntry({ at: '2025-01-02T00:00:00.000Z', outcome: 'not-modified' }, a.chain);
    const c = sealEntry({ at: '2025-01-03T00:00:00.000Z', outcome: 'read' }, b.chain);
    return [a, b, c];
  };

  it('links each entry to the previous and verifies a clean log', () => {
    const [a, b, c] = entries();
    expect(a?.chain).toMatchObject({ seq: 1, prev: null });
    expect(b?.chain.prev).toBe(a?.chain.hash);
    expect('x' in (a as object)).toBe(false);
    expect(verifyChain('b', [c!, a!, b!]).breaks).toEqual([]);
  });

  it('names the edited entry, a gap, a fork, a stripped link and a head the root committed', () => {
    const [a, b, c] = entries();
    expect(
      verifyChain('b', [a!, { ...b!, outcome: 'failed' }, c!]).breaks.map((x) => [x.kind, x.seq]),
    ).toEqual([['edited', 2]]);
    expect(verifyChain('b', [a!, c!]).breaks.map((x) => [x.kind, x.seq])).toEqual([['missing', 3]]);
    expect(verifyChain('b', [a!, b!, b!, c!]).breaks.map((x) => [x.kind, x.seq])).toEqual([['fork', 2]]);
    const { chain: _c, ...stripped } = c!;
    expect(verifyChain('b', [a!, b!, stripped]).breaks.map((x) => x.kind)).toEqual(['unsealed']);
    expect(
      verifyChain('b', [a!, b!], [{ date: '2025-01-03', seq: 3, hash: c!.chain.hash }]).breaks.map(
        (x) => x.kind,
      ),
    ).toEqual(['root-mismatch']);
  });

  it('counts entries written before the chain began as legacy, not as breaks', () => {
    const [a] = entries();
    const r = verifyChain('b', [{ at: '2024-12-01T00:00:00.000Z', outcome: 'read' }, a!]);
    expect(r).toMatchObject({ legacy: 1, entries: 1, breaks: [] });
  });
});

describe('Merkle tree (RFC 9162 §2.1)', () => {
  it('proves every leaf of trees of 1 to 9 leaves and refuses a wrong leaf or index', () => {
    for (let n = 1; n <= 9; n += 1) {
      const leaves = Array.from({ length: n }, (_, i) => `leaf ${i}`);
      const root = merkleRoot(leaves);
      for (let i = 0; i < n; i += 1) {
        const proof = inclusionProof(leaves, i);
        expect(verifyInclusion(leaves[i]!, i, n, proof, root)).toBe(true);
        expect(verifyInclusion(`${leaves[i]}!`, i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % n, n, proof, root)).toBe(false);
      }
    }
  });

  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
