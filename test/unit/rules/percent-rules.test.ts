import { describe, expect, it } from 'vitest';
import { percentHolds } from '#shared/rules/percent-rules.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildReport, context } from './build-report.ts';

const percent = (text: string) =>
  runRules(context(buildReport({ text }))).filter((f) => f.rule === 'arith.percent');

describe('runRules() arith.percent', () => {
  it('flags a share that does not match its count over the total, with the computed value', () => {
    // Prepare
    const text =
      '全区共公开区级信息数为2450条,网络公开2198条。其中:机构职能类信息144条,占总数的6%;政策法规类信息57条,占总数的3.2%;其它信息2249条,占总数的91.8%。';
    // Act
    const findings = percent(text);
    // Assess
    expect(findings).toEqual([
      {
        rule: 'arith.percent',
        severity: 'error',
        message: { zh: '所述3.2%与57/2450=2.3%不符', en: 'Stated 3.2% but 57 of 2450 is 2.3%' },
        evidence: [
          {
            quote: '57条,占总数的3.2%',
            start: text.indexOf('57条'),
            end: text.indexOf('57条') + '57条,占总数的3.2%'.length,
            where: 'text',
            figures: { part: 57, whole: 2450, stated: 3.2, computed: 2.3265 },
            computation: '57 / 2450 = 2.3%, stated 3.2% (tolerance ±0.1 point)',
          },
          {
            quote: '2450条',
            start: text.indexOf('2450条'),
            end: text.indexOf('2450条') + 5,
            where: 'text (the total)',
          },
        ],
      },
    ]);
  });

  it('flags a rate against the count its name stands on (即日办结 of 办结)', () => {
    const text =
      '共受理各类审批服务事项42667件,办结41859件,其中,即日办结33060件,即日办结率为100%,提前办结8600件,提前办结率20.55%。';
    expect(percent(text).map((f) => f.evidence[0]?.computation)).toEqual([
      '33060 / 41859 = 79.0%, stated 100% (tolerance ±0.1 point)',
    ]);
  });

  it('accepts rounding within 0.1 point (16/26 = 61.5%, 10/26 = 38.5%) and unrelated rates', () => {
    expect(
      percent('主动公开政府信息26条。其中我局公开16条,占61.5%;区社保局公开10条,占38.5%。答复率达到了100%。'),
    ).toEqual([]);
  });

  it('skips a list whose parts exceed the whole it seemed to name', () => {
    expect(percent('公开信息20条。其中:甲类15条,占75%;乙类15条,占10%。')).toEqual([]);
  });
});

describe('percentHolds()', () => {
  it('allows rounding or truncation to the stated precision, ±0.1 point', () => {
    expect(percentHolds(1775, 2450, 72.5, 1)).toBe(true);
    expect(percentHolds(11, 20, 55, 0)).toBe(true);
    expect(percentHolds(57, 2450, 3.2, 1)).toBe(false);
    expect(percentHolds(0, 0, 0, 0)).toBe(true);
  });
});
