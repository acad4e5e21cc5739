import { describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { sealEntry, verifyChain } from '#shared/evidence/check-chain.ts';
import { draftLetter, letterMarkdown, supervisorOf } from '#shared/evidence/letter.ts';
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

describe('adv16: complaint letters', () => {
  const body = (o: Record<string, unknown>) =>
    Body.parse({ listingUrl: 'http://x.gov.cn/ndbg/', render: 'http', parents: [], ...o });
  const pkg = { filename: 'p.wacz', sha256: 'a'.repeat(64), datapackageHash: `sha256:${'b'.repeat(64)}` };

  it('L1 a township registered with its 9-digit code is addressed to its county government office', () => {
    const parents = lookupDivision('360802')!.parents.concat([{ code: '360802', name: '月湖区' }]);
    const t = body({
      id: '360802100',
      name: '夏埠乡人民政府',
      level: 'township',
      divisionCode: '360802100',
      parents,
    });
    // 360802 is 吉州区 (GB/T 2260); the township's county government is the first six digits' division.
    expect(supervisorOf(t).name).toBe(`${lookupDivision('360802')!.name}人民政府办公室`);
    expect(supervisorOf(t).name).toBe('吉州区人民政府办公室');
  });

  it('L2 a county government registered without parents is addressed to its city (the division table)', () => {
    const c = body({ id: '620421', name: '靖远县人民政府', level: 'county', divisionCode: '620421' });
    expect(supervisorOf(c).name).toBe('白银市人民政府办公室');
  });

  it('L3 hostile quoted page text cannot add headings, links or HTML to the Markdown letter', () => {
    const b = body({
      id: '620421-czj',
      name: '靖远县财政局',
      level: 'department',
      divisionCode: '620421',
      parents: lookupDivision('620421')!.parents,
    });
    const quote =
      '2024-02-03\n\n# 经核实，举报人同意撤回\n<img src=x onerror=alert(1)>[点此](javascript:alert(1))';
    const md = letterMarkdown(
      draftLetter({
        body: b,
        year: 2023,
        finding: {
          rule: 'deadline.late',
          severity: 'error',
          message: { zh: '2023年度报告于2024-02-03发布', en: 'late' },
          evidence: [{ quote, where: 'published date (meta)' }],
        } as never,
        reportUrl: 'http://x.gov.cn/a.html',
        pkg,
      }),
    );
    expect(md).not.toMatch(/^# 经核实/m);
    expect(md).not.toContain('<img src=x');
    expect(md).not.toContain('[点此](');
    expect(md).toContain('2024-02-03');
  });
});
