import { describe, expect, it } from 'vitest';
import { sealEntry, verifyChain } from '#shared/evidence/check-chain.ts';
import { rootTimeProblems } from '#shared/evidence/root-times.ts';

/** Adversarial review of issue 16: times and chain starts a forger could abuse (pure rules). */
describe('adv16: times along the chain and the daily root', () => {
  const chain = () => {
    const a = sealEntry(
      { at: '2025-01-01T00:00:00.000Z', outcome: 'read', chainStart: { earlier: 0 } },
      null,
    );
    const b = sealEntry({ at: '2025-01-02T00:00:00.000Z', outcome: 'read' }, a.chain);
    return [a, b];
  };

  it('an appended entry dated before its predecessor is a time-order break', () => {
    const [a, b] = chain();
    const forged = sealEntry({ at: '2025-01-01T12:00:00.000Z', outcome: 'read' }, b!.chain);
    const report = verifyChain('x', [a!, b!, forged]);
    expect(report.breaks.map((br) => [br.kind, br.seq])).toEqual([['time-order', 3]]);
  });

  it('an entry a root committed but dated after the root is a time-order break', () => {
    const [a, b] = chain();
    const committed = [
      { date: '2025-01-01', seq: 2, hash: b!.chain.hash, rootAt: '2025-01-01T15:00:00.000Z' },
    ];
    expect(verifyChain('x', [a!, b!], committed).breaks.map((br) => br.kind)).toEqual(['time-order']);
  });

  it('a root whose time or token is not on its date is named; a same-day root is not', () => {
    const root = { date: '2025-01-05', at: '2025-01-05T03:00:00.000Z' };
    expect(rootTimeProblems(root, '2025-01-05T03:00:01Z')).toEqual([]);
    // months later: the token proves the root existed in May, not on 5 January
    expect(rootTimeProblems(root, '2025-05-20T03:00:00Z')).toHaveLength(1);
    // token before the root was computed
    expect(rootTimeProblems(root, '2025-01-04T03:00:00Z')).toHaveLength(1);
    // labelled with a date it was not computed on (a simulated --today)
    expect(rootTimeProblems({ date: '2025-01-05', at: '2025-05-20T03:00:00.000Z' }, null)).toHaveLength(1);
    // Beijing midnight: 16:30Z on the 4th is Beijing 5 January
    expect(rootTimeProblems({ date: '2025-01-05', at: '2025-01-04T16:30:00.000Z' }, null)).toEqual([]);
  });
});

describe('adv16: entries without a chain link', () => {
  it('a forged unlinked entry before a chain that recorded no earlier entries is a break', () => {
    const [a, b] = [
      sealEntry({ at: '2025-01-01T00:00:00.000Z', outcome: 'read', chainStart: { earlier: 0 } }, null),
    ].flatMap((x) => [x, sealEntry({ at: '2025-01-02T00:00:00.000Z', outcome: 'read' }, x.chain)]);
    const forged = { at: '2024-12-01T00:00:00.000Z', outcome: 'read' };
    const report = verifyChain('x', [forged, a!, b!]);
    expect(report.breaks.map((br) => br.kind)).toEqual(['unsealed']);
    expect(report.legacy).toBe(0);
  });

  it('entries from before the chain that its start recorded stay legacy, not breaks', () => {
    const old = { at: '2024-12-01T00:00:00.000Z', outcome: 'read' };
    const a = sealEntry(
      { at: '2025-01-01T00:00:00.000Z', outcome: 'read', chainStart: { earlier: 1 } },
      null,
    );
    const report = verifyChain('x', [old, a]);
    expect(report.breaks).toEqual([]);
    expect(report.legacy).toBe(1);
  });

  it('a log whose every link was stripped is not covered, and the stripped start is a break', () => {
    const a = sealEntry(
      { at: '2025-01-01T00:00:00.000Z', outcome: 'read', chainStart: { earlier: 0 } },
      null,
    );
    const b = sealEntry({ at: '2025-01-02T00:00:00.000Z', outcome: 'read' }, a.chain);
    const strip = ({ chain: _c, ...rest }: Record<string, unknown>) => rest;
    const report = verifyChain('x', [strip(a), strip(b)]);
    expect(report.covered).toBe(false);
    expect(report.breaks.map((br) => br.kind)).toContain('unsealed');
  });
});
