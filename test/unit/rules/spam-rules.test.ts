import { describe, expect, it } from 'vitest';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildReport, context } from './build-report.ts';

const spam = (text: string) =>
  runRules(context(buildReport({ text }))).filter((f) => f.rule === 'spam.injection');

describe('runRules() spam.injection', () => {
  it('quotes every injected span whole, with offsets into the original text', () => {
    // Prepare
    const text =
      '根据《体育365网投_365bet365用址_365bet官网提现说维护人民政府办公室关于印发》要求。\n主办:体育365网投_365bet365用址_365bet官网提现说维护大数据中心';
    // Act
    const [found] = spam(text);
    // Assess
    const s = '体育365网投_365bet365用址_365bet官网提现说维护';
    const first = text.indexOf(s);
    const second = text.indexOf(s, first + 1);
    expect(found?.evidence).toEqual([
      { quote: s, start: first, end: first + s.length, where: 'text' },
      { quote: s, start: second, end: second + s.length, where: 'text' },
    ]);
    expect(found?.severity).toBe('error');
  });

  it('stops the span at ordinary words (365体育投注关于 → 365体育投注) and finds traditional 澳門賭場', () => {
    expect(
      spam('按照《365体育投注关于做好工作的通知》要求').flatMap((f) => f.evidence.map((e) => e.quote)),
    ).toEqual(['365体育投注']);
    expect(spam('歡迎光臨澳門賭場').flatMap((f) => f.evidence.map((e) => e.quote))).toEqual(['澳門賭場']);
  });

  it('leaves genuine prose alone: a crackdown on gambling, 体育彩票, 365天', () => {
    expect(
      spam('严厉打击网络博彩和六合彩等违法活动,体育彩票销售点365天开放,本局体育局官网正常运行。'),
    ).toEqual([]);
  });
});
