import { describe, expect, it } from 'vitest';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildBody, buildReport, context } from './build-report.ts';

const only = (rule: string) => (ctx: Parameters<typeof runRules>[0]) =>
  runRules(ctx).filter((f) => f.rule === rule);
const late = only('deadline.late');

describe('runRules() deadline.late', () => {
  it('calls a department report published on 2 February late under the 2019 rules', () => {
    // Prepare
    const report = buildReport({
      year: 2023,
      publishedAt: { date: '2024-02-02', source: 'meta', raw: '发布日期:2024-02-02' },
      text: '发布日期:2024-02-02\n某局2023年政府信息公开工作年度报告',
    });
    // Act
    const findings = late(context(report, { body: buildBody() }));
    // Assess
    expect(findings).toEqual([
      {
        rule: 'deadline.late',
        severity: 'error',
        message: {
          zh: '2023年度报告于2024-02-02发布,晚于法定期限2024-01-31(2天)',
          en: 'The 2023 report was published on 2024-02-02, 2 day(s) after the deadline 2024-01-31',
        },
        evidence: [
          {
            quote: '发布日期:2024-02-02',
            start: 0,
            end: 15,
            where: 'published date (meta)',
            computation:
              '2024-02-02 > 2024-01-31 (《政府信息公开条例》(2019) 第四十九条第一款; 2019 rules, department)',
          },
        ],
      },
    ]);
  });

  it('keeps a report for 2017 published on 28 March 2018 on time under the 2008 rules', () => {
    const report = buildReport({
      year: 2017,
      publishedAt: { date: '2018-03-28', source: 'meta', raw: null },
    });
    expect(late(context(report, { body: buildBody() }))).toEqual([]);
  });

  it('does not guess: a 2019+ report of unknown level dated in February is not late', () => {
    const report = buildReport({ year: 2023, publishedAt: { date: '2024-02-15', source: 'url', raw: null } });
    expect(late(context(report))).toEqual([]);
  });

  it('lowers to a warning when the date was read from the body text', () => {
    const report = buildReport({
      year: 2023,
      publishedAt: { date: '2024-04-15', source: 'text', raw: null },
    });
    expect(late(context(report)).map((f) => f.severity)).toEqual(['warning']);
  });

  it('says nothing about an undated report', () => {
    expect(late(context(buildReport({ year: 2023 }), { body: buildBody() }))).toEqual([]);
  });
});
