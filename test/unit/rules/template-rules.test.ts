import { describe, expect, it } from 'vitest';
import type { Section } from '#shared/domain/report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { applications, buildReport, context } from './build-report.ts';

const ids = (report: ReturnType<typeof buildReport>) => [
  ...new Set(runRules(context(report)).map((f) => f.rule)),
];

const TABLES = '第二十条第(一)项 本年制发件数\n本年新收政府信息公开申请数量\n结果维持 尚未审结\n';

function sectioned(sixBody: string, over: { emptyFive?: boolean } = {}) {
  const parts = [
    ['一', '一、总体情况', '本年度我县推进政务公开。'],
    ['二', '二、主动公开政府信息情况', TABLES],
    ['三', '三、收到和处理政府信息公开申请情况', '见表。'],
    ['四', '四、政府信息公开行政复议、行政诉讼情况', '无。'],
    ['五', '五、存在的主要问题及改进情况', over.emptyFive ? '' : '问题是人员不足,改进措施是加强培训。'],
    ['六', '六、其他需要报告的事项', sixBody],
  ] as const;
  let text = '';
  const sections: Section[] = [];
  for (const [id, heading, body] of parts) {
    const start = text.length;
    text += `${heading}\n${body}\n`;
    sections.push({ id, heading, start, end: text.length, empty: body.trim() === '' });
  }
  return { text, sections };
}

describe('runRules() template.* and text.fee-unexplained', () => {
  it('accepts a complete 2021 report that states its 信息处理费', () => {
    const { text, sections } = sectioned('本年度未收取信息处理费。');
    expect(ids(buildReport({ year: 2022, format: '2021', text, sections }))).toEqual([]);
  });

  it('flags a silent section 六 under the 2021 template, quoting a fee stated elsewhere', () => {
    const { text, sections } = sectioned('无。');
    const report = buildReport({
      year: 2022,
      format: '2021',
      text: `${text}另:本年收取信息处理费0元。`,
      sections,
    });
    const fee = runRules(context(report)).filter((f) => f.rule === 'text.fee-unexplained');
    expect(fee.flatMap((f) => f.evidence.map((e) => e.where))).toEqual(['section 六', 'text (outside 六)']);
    expect(ids(buildReport({ year: 2020, format: '2019', text, sections }))).toEqual([]);
  });

  it('flags an empty section 五, missing sections and missing tables', () => {
    const { text, sections } = sectioned('未收取信息处理费。', { emptyFive: true });
    expect(ids(buildReport({ year: 2022, format: '2021', text, sections }))).toEqual([
      'template.empty-section',
    ]);
    const bare = buildReport({
      year: 2022,
      format: '2021',
      text: '一、总体情况\n很好。',
      missingSections: ['五', '六'],
    });
    expect(ids(bare)).toEqual(['template.missing-section', 'template.missing-table']);
    const attached = buildReport({
      year: 2022,
      format: '2021',
      text: '一、总体情况',
      attachments: [{ url: 'x.pdf', name: '年报', type: 'pdf' }],
    });
    expect(ids(attached)).toEqual([]);
  });

  it('flags a 2021+ report still on the 2019 Table 二 and a 2019+ report on the old structure', () => {
    const old = buildReport({
      year: 2022,
      format: '2019',
      text: '信息内容 本年新制作数量 本年新公开数量 对外公开总数量',
    });
    expect(ids(old)).toContain('template.outdated');
    const fine2020 = buildReport({
      year: 2020,
      format: '2019',
      text: '信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n见附件',
    });
    expect(ids(fine2020)).not.toContain('template.outdated');
    expect(
      ids(buildReport({ year: 2019, format: 'pre2019', text: '一、概述\n二、主动公开政府信息的情况' })),
    ).toContain('template.outdated');
  });
});

describe('runRules() stats.* and text.table-mismatch', () => {
  const zeros = Array(7).fill(0);
  it('notes an all-zero Table 三, not a blank one', () => {
    const all0 = buildReport({
      figures: {
        applications: applications({
          new: zeros,
          'carried-in': zeros,
          'result.total': zeros,
          'carried-out': zeros,
        }),
      },
    });
    expect(ids(all0)).toEqual(['stats.zero-applications']);
    const blank = buildReport({
      figures: { applications: applications({ new: Array(7).fill(null) }) },
    });
    expect(ids(blank)).toEqual([]);
  });

  it('notes a tenfold swing or a drop to zero against the previous year, not small numbers', () => {
    const fig = (key: string, value: number) => ({
      key,
      value,
      unit: '条',
      raw: String(value),
      start: 0,
      end: String(value).length,
    });
    const prev = buildReport({
      year: 2022,
      figures: { narrative: [fig('active.total', 1200), fig('application.received', 3)] },
    });
    const cur = buildReport({
      year: 2023,
      figures: { narrative: [fig('active.total', 0), fig('application.received', 40)] },
    });
    const swing = runRules(context(cur, { previous: [prev] })).filter((f) => f.rule === 'stats.swing');
    expect(swing.flatMap((f) => f.evidence.map((e) => e.computation))).toEqual([
      'active.total: 1200 (2022) → 0 (2023)',
    ]);
    const steady = buildReport({ year: 2023, figures: { narrative: [fig('active.total', 1500)] } });
    expect(runRules(context(steady, { previous: [prev] }))).toEqual([]);
  });

  it('flags a narrative figure that differs from the table', () => {
    const fig = { key: 'active.total', value: 9400, unit: '条', raw: '9400', start: 0, end: 4 };
    const table = {
      rows: [
        {
          key: 'active.total',
          label: '主动公开',
          unit: null,
          cell: { value: 9483, raw: '9483', start: 10, end: 14 },
        },
      ],
      filed: null,
    };
    const report = buildReport({
      text: '9400条 ……… 9483',
      figures: { narrative: [fig], pre2019: table },
    });
    const [found] = runRules(context(report)).filter((f) => f.rule === 'text.table-mismatch');
    expect(found?.evidence.map((e) => e.quote)).toEqual(['9400', '9483']);
    const same = buildReport({ figures: { narrative: [{ ...fig, value: 9483 }], pre2019: table } });
    expect(ids(same)).toEqual([]);
  });
});
