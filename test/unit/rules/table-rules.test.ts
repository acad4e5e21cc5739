import { describe, expect, it } from 'vitest';
import type { Outcomes } from '#shared/domain/figures.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { applications, buildReport, cell, context } from './build-report.ts';

const rules = (report: ReturnType<typeof buildReport>, id: string) =>
  runRules(context(report)).filter((f) => f.rule === id);
const row = (...v: Array<number | null>) => v;

/** A 2021-template Table 三 where every identity holds: 5 new + 1 carried = 5 results + 1 carried over. */
const intact = {
  new: row(3, 2, 0, 0, 0, 0, 5),
  'carried-in': row(1, 0, 0, 0, 0, 0, 1),
  'result.open': row(2, 1, 0, 0, 0, 0, 3),
  'result.withheld.1': row(1, 0, 0, 0, 0, 0, 1),
  'result.other.1': row(0, 1, 0, 0, 0, 0, 1),
  'result.total': row(3, 2, 0, 0, 0, 0, 5),
  'carried-out': row(1, 0, 0, 0, 0, 0, 1),
};
const outcomes = (u: number, c: number, o: number, p: number, t: number): Outcomes => ({
  upheld: cell(u),
  corrected: cell(c),
  other: cell(o),
  pending: cell(p),
  total: cell(t),
});

describe('runRules() arith.identity and arith.sum on the 2019/2021 tables', () => {
  it('is silent when the template identities hold (2021)', () => {
    const report = buildReport({
      year: 2022,
      format: '2021',
      figures: {
        applications: applications(intact),
        reviews: {
          review: outcomes(1, 0, 0, 1, 2),
          litigationDirect: outcomes(0, 0, 0, 0, 0),
          litigationAfterReview: outcomes(0, 0, 0, 0, 0),
        },
      },
    });
    expect(rules(report, 'arith.identity')).toEqual([]);
    expect(rules(report, 'arith.sum')).toEqual([]);
  });

  it('flags 一 + 二 ≠ 三(七) + 四 per column, with the arithmetic (2019)', () => {
    const report = buildReport({
      year: 2020,
      format: '2019',
      figures: {
        applications: applications({ ...intact, 'carried-out': row(0, 0, 0, 0, 0, 0, 0) }),
      },
    });
    const [found] = rules(report, 'arith.identity');
    expect(found?.evidence.map((e) => [e.where, e.computation])).toEqual([
      ['table 三, column natural', '3 + 1 = 4 ≠ 3 + 0 = 3'],
      ['table 三, column total', '5 + 1 = 6 ≠ 5 + 0 = 5'],
    ]);
  });

  it('flags outcome rows not adding up to (七)总计, a 总计 column off, and Table 四 totals', () => {
    const report = buildReport({
      format: '2021',
      figures: {
        applications: applications({ ...intact, 'result.open': row(2, 1, 0, 0, 0, 0, 4) }),
        reviews: {
          review: outcomes(1, 1, 0, 0, 3),
          litigationDirect: outcomes(0, 0, 0, 0, 0),
          litigationAfterReview: outcomes(0, 0, 0, 0, 0),
        },
      },
    });
    expect(rules(report, 'arith.sum').flatMap((f) => f.evidence.map((e) => e.where))).toEqual([
      'table 三, column total',
      'table 三, row result.open',
      'table 四, review',
    ]);
  });

  it('treats blank cells as unknown, not zero', () => {
    const report = buildReport({
      figures: {
        applications: applications({
          ...intact,
          'result.other.1': row(null, null, null, null, null, null, null),
        }),
      },
    });
    expect(rules(report, 'arith.sum')).toEqual([]);
    expect(rules(report, 'arith.identity')).toEqual([]);
  });
});

describe('runRules() arith.sum on the pre-2019 统计表', () => {
  const pre2019 = (total: number, channels: number[], staff = [83, 2, 81]) => ({
    rows: [
      ['active.total', total],
      ...['gazette', 'website', 'weibo', 'wechat', 'other'].map((c, i) => [
        `active.channel.${c}`,
        channels[i] ?? 0,
      ]),
      ['staff.total', staff[0]],
      ['staff.full-time', staff[1]],
      ['staff.part-time', staff[2]],
    ].map(([key, v]) => ({ key: String(key), label: String(key), unit: null, cell: cell(Number(v)) })),
    filed: null,
  });

  it('lets channels exceed the total, warns when they fall short, errors on staff', () => {
    const over = buildReport({ figures: { pre2019: pre2019(100, [60, 60, 0, 0, 0]) } });
    expect(rules(over, 'arith.sum')).toEqual([]);
    const short = buildReport({ figures: { pre2019: pre2019(9483, [7, 8925, 91, 416, 38]) } });
    expect(rules(short, 'arith.sum').map((f) => [f.severity, f.evidence[0]?.computation])).toEqual([
      [
        'warning',
        '7 + 8925 + 91 + 416 + 38 = 9477 ≠ (一)主动公开政府信息数 9483'.replace(
          '(一)主动公开政府信息数',
          'active.total',
        ),
      ],
    ]);
    const staff = buildReport({
      figures: { pre2019: pre2019(100, [100, 0, 0, 0, 0], [83, 2, 80]) },
    });
    expect(rules(staff, 'arith.sum').map((f) => f.severity)).toEqual(['error']);
  });
});
