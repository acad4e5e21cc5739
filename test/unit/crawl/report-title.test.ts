import { describe, expect, it } from 'vitest';
import { classifyLink, titleYear, yearsNamedInText } from '#shared/crawl/report-title.ts';

const kind = (title: string) => [
  classifyLink({ url: 'http://www.example.gov.cn/a.html', title }),
  titleYear(title),
];

describe('classifyLink() and titleYear() on titles as listings print them', () => {
  it('recognises a report whatever the digits, numerals, script or brackets', () => {
    expect(
      [
        '唐河县２０２５年政府信息公开工作年度报告',
        '唐河县二〇二五年政府信息公开工作年度报告',
        '唐河县政府信息公开工作年度报告（2025）',
        '唐河县2025年政府信息公开工作年度报...',
        '唐河縣2025年政府資訊公開工作年度報告',
        '铁岭市2017年度政府信息公开工作报告',
      ].map(kind),
    ).toEqual([
      ['report', 2025],
      ['report', 2025],
      ['report', 2025],
      ['report', 2025],
      ['report', 2025],
      ['report', 2017],
    ]);
  });

  it('reads decoy words only after the year: an organ named 编制/制度/预算 still publishes reports', () => {
    expect(
      [
        '中共唐河县委机构编制委员会办公室2025年政府信息公开工作年度报告',
        '唐河县住房制度改革办公室2024年政府信息公开工作年度报告',
        '唐河县预算评审中心2024年政府信息公开工作年度报告',
        '关于做好2017年政府信息公开工作年度报告编制发布工作的通知',
        '2019年政府信息公开工作年度报告统计表',
        '政府信息公开年度报告',
      ].map(kind),
    ).toEqual([
      ['report', 2025],
      ['report', 2024],
      ['report', 2024],
      ['decoy', 2017],
      ['decoy', 2019],
      ['other', null],
    ]);
  });
});

describe('yearsNamedInText()', () => {
  it('finds report years the text names, so a title the classifier missed is never taken as absent', () => {
    expect(
      yearsNamedInText(
        '首页 > 年报 | 2025年度唐河县政府信息公开工作年度报告 查看详情 | 二〇二四年政务公开年度报告 查看详情',
      ),
    ).toEqual([2025, 2024]);
    expect(yearsNamedInText('2025年政务公开工作要点 | 联系我们')).toEqual([]);
  });
});
