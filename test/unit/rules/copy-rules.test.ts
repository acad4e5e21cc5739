import { describe, expect, it } from 'vitest';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildBody, buildReport, context } from './build-report.ts';

const county = buildBody();
const rule = (id: string, ctx: Parameters<typeof runRules>[0]) => runRules(ctx).filter((f) => f.rule === id);

describe('runRules() copy.other-body', () => {
  it('catches a county bureau writing as a district and naming a sibling district', () => {
    // Prepare
    const text = '我局公开16条;区社保局公开10条。在甘肃政务服务网白银区子网站公开。促进全区政务公开工作。';
    // Act
    const [found] = rule('copy.other-body', context(buildReport({ text }), { body: county }));
    // Assess
    expect(found?.evidence.map((e) => e.quote)).toEqual(['区社保局', '白银区', '全区']);
    expect(found?.message.en).toContain('靖远县');
  });

  it('finds the county from the title when there is no registry entry', () => {
    const report = buildReport({
      title: '靖远县人力资源和社会保障局2016年政府信息公开工作年度报告',
      text: '区社保局公开10条。全区政务公开。',
    });
    expect(rule('copy.other-body', context(report)).length).toBe(1);
  });

  it('accepts a county naming its own word, its neighbours alone, or 社区/开发区/保护区管理局', () => {
    const text = '全县政务公开。与白银区交流经验。社区公开栏。开发区管委会。自然保护区管理局。各县区政府。';
    expect(rule('copy.other-body', context(buildReport({ text }), { body: county }))).toEqual([]);
  });

  it('needs two signals: one stray 全区 is not enough', () => {
    expect(
      rule('copy.other-body', context(buildReport({ text: '全区政务公开。' }), { body: county })),
    ).toEqual([]);
  });
});

describe('runRules() copy.previous-year', () => {
  const prose =
    '我局坚持以公开为常态不公开为例外的原则,认真落实政府信息公开条例,推进决策执行管理服务结果公开。'.repeat(
      3,
    );
  const paragraphs = Array.from(
    { length: 10 },
    (_, i) => `第${'一二三四五六七八九十'[i]}部分${prose}加强${'甲乙丙丁戊己庚辛壬癸'[i]}项工作。`,
  );

  it('flags a report 90% identical to its predecessor, quoting the longest shared passage', () => {
    const previous = buildReport({ year: 2022, title: '2022年报告', text: paragraphs.join('\n') });
    const current = buildReport({
      year: 2023,
      text: [...paragraphs.slice(0, 9), '今年新增了全新的依申请办理系统并开展培训十二次。'.repeat(4)].join(
        '\n',
      ),
    });
    const [found] = rule('copy.previous-year', context(current, { previous: [previous] }));
    expect(found?.evidence[0]?.figures?.similarity).toBeGreaterThan(80);
    expect(found?.evidence[1]).toEqual({
      quote: '2022年报告',
      where: `previous report 2022: ${previous.source.url}`,
    });
  });

  it('is silent for a rewritten report, and never compares with a later year', () => {
    const previous = buildReport({ year: 2022, text: paragraphs.join('\n') });
    const fresh = buildReport({
      year: 2023,
      text: '本年度全新撰写的报告内容,涉及依申请公开办理、行政复议应诉、平台建设等多方面。'.repeat(10),
    });
    expect(rule('copy.previous-year', context(fresh, { previous: [previous] }))).toEqual([]);
    const later = buildReport({ year: 2024, text: paragraphs.join('\n') });
    expect(
      rule(
        'copy.previous-year',
        context(buildReport({ year: 2023, text: paragraphs.join('\n') }), { previous: [later] }),
      ),
    ).toEqual([]);
  });
});

describe('runRules() copy.other-report-type', () => {
  it('flags a 信访 work report by its title, and one full of 信访 that hardly mentions disclosure', () => {
    expect(
      rule('copy.other-report-type', context(buildReport({ title: '某县2023年信访工作报告' }))).length,
    ).toBe(1);
    const text = '信访工作。'.repeat(9);
    expect(rule('copy.other-report-type', context(buildReport({ text }))).length).toBe(1);
  });

  it('accepts a disclosure report that mentions 信访', () => {
    const text = `${'政府信息公开工作。'.repeat(5)}${'信访'.repeat(9)}`;
    expect(rule('copy.other-report-type', context(buildReport({ text })))).toEqual([]);
  });
});
