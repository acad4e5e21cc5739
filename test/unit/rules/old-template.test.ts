import { describe, expect, it } from 'vitest';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildBody } from './build-report.ts';
import { type Layout, nationalForm } from './national-form.ts';

/**
 * Pre-2019 template rules (issue 10, item 15) on reports of our own making in the layouts portals publish:
 * the 2008 条例 Art. 32 six parts (template.missing-section, lenient) and the 2014–2018 统计表 identities
 * (arith.sum). Each test asserts the whole set of findings.
 */
const county = buildBody({ id: '620421', name: '靖远县人民政府', level: 'county', divisionCode: '620421' });
const ISSUER = '靖远县人民政府';

const OVERVIEW = [
  '一、概述',
  '2016年,我县进一步健全政府信息公开工作机制,明确县政府办公室为主管部门,各乡镇和县直各部门确定分管领导和工作人员。',
];
const ACTIVE = [
  '二、主动公开政府信息情况',
  '全年主动公开政府信息612条,主要通过政府网站、公开栏、新闻媒体等渠道公开。',
];
const APPLY = ['三、依申请公开政府信息情况', '全年收到政府信息公开申请9件,均已按期答复。'];
const FEES = ['四、政府信息公开的收费及减免情况', '本年度未收取任何费用。'];
const REVIEW = ['五、因政府信息公开申请行政复议、提起行政诉讼的情况', '全年发生行政复议2件、行政诉讼1件。'];
const PROBLEMS = [
  '六、存在的主要问题及改进措施',
  '公开的及时性还需提高。下一步将加强培训,完善制度,推动政府信息公开工作深入开展。',
];

/** A 2016 county report whose parts are `parts` (heading, paragraph…), then `after` (a 统计表). */
function oldReport(parts: string[][], after = '', layout: 'html' | 'text' = 'html'): ParsedReport {
  const title = `${ISSUER}2016年政府信息公开工作年度报告`;
  const intro =
    '根据《中华人民共和国政府信息公开条例》规定,现公布2016年度本县政府信息公开工作年度报告。本报告所列数据统计期限自2016年1月1日起至2016年12月31日止。';
  const lines = [intro, ...parts.flat(), `${ISSUER}办公室`, '2017年3月10日'];
  const page =
    layout === 'html'
      ? {
          html: `<html><head><title>${title}</title></head><body><div class="info">发布日期：2017-03-10</div><div class="article"><h1>${title}</h1>${lines.map((l) => `<p>${l}</p>`).join('\n')}\n${after}</div></body></html>`,
        }
      : { text: `发布日期:2017-03-10\n${title}\n${lines.join('\n')}\n${after}` };
  const r = parseReport({
    ...page,
    url: 'http://www.jingyuan.gov.cn/xxgk/201703/t20170310_1.html',
    registry: [county],
  });
  if (r.kind !== 'report') throw new Error(`expected a report: ${r.reason}`);
  return r;
}

const run = (r: ParsedReport): Finding[] =>
  runRules({ report: r, body: county, previous: [], today: '2025-06-01' });
const rules = (fs: Finding[]) => fs.map((f) => `${f.rule}:${f.severity}`);

describe('template.missing-section on pre-2019 reports (2008 条例 Art. 32)', () => {
  it('all six parts: no finding', () => {
    const r = oldReport([OVERVIEW, ACTIVE, APPLY, FEES, REVIEW, PROBLEMS]);
    expect(r.format).toBe('pre2019');
    expect(rules(run(r))).toEqual([]);
  });

  it('fees and review clearly absent (no heading, never mentioned): one warning naming both parts', () => {
    const r = oldReport([OVERVIEW, ACTIVE, APPLY, ['四、存在的主要问题及改进措施', PROBLEMS[1] as string]]);
    const found = run(r);
    expect(rules(found)).toEqual(['template.missing-section:warning']);
    expect(found[0]?.evidence.map((e) => e.quote)).toEqual(['收费及减免', '复议和诉讼']);
    expect(found[0]?.evidence[0]?.where).toContain('never mentions 收费、费用、减免、收取');
    expect(found[0]?.message.zh).toContain('收费及减免、复议和诉讼');
  });

  it('parts titled otherwise or merged are present: 支出与收费, 复议、诉讼和申诉, 收费及复议诉讼 in one', () => {
    const titled = oldReport([
      ['一、基本情况', OVERVIEW[1] as string],
      ['二、主动公开工作开展情况', ACTIVE[1] as string],
      ['三、依申请公开办理情况', APPLY[1] as string],
      ['四、政府信息公开支出与收费情况', '全年未向申请人收取检索、复制、邮寄等费用。'],
      ['五、复议、诉讼和申诉情况', '本年度无相关情况。'],
      ['六、主要问题和改进措施', PROBLEMS[1] as string],
    ]);
    expect(rules(run(titled))).toEqual([]);
    const merged = oldReport([
      OVERVIEW,
      ACTIVE,
      APPLY,
      ['四、收费及行政复议、诉讼情况', '本年度未收取费用,未发生相关复议和诉讼。'],
      ['五、工作中存在的不足', PROBLEMS[1] as string],
    ]);
    expect(rules(run(merged))).toEqual([]);
  });

  it('a part stated in a sentence of another part is present (seed 002/004 style)', () => {
    const r = oldReport([
      OVERVIEW,
      ACTIVE,
      [
        '三、依申请公开政府信息情况',
        '全年收到申请9件,均已按期答复,未收取任何费用,未发生行政复议和行政诉讼。',
      ],
      ['四、存在的主要问题及改进措施', PROBLEMS[1] as string],
    ]);
    expect(rules(run(r))).toEqual([]);
  });

  it('a text that stops before its end (no problems part, no table) or points to an attachment: no finding', () => {
    expect(rules(run(oldReport([OVERVIEW, ACTIVE, APPLY])))).toEqual([]);
    const attached = oldReport([OVERVIEW, ACTIVE, ['三、其他', '报告全文详见附件。'], PROBLEMS]);
    expect(rules(run(attached))).toEqual([]);
  });

  it('the 统计表 after the report shows its end; its rows state 复议 and 费用: only 问题及改进 is absent', () => {
    const r = oldReport([OVERVIEW, ACTIVE, APPLY], nationalForm('html'));
    expect(r.figures.pre2019).not.toBeNull();
    const found = run(r);
    expect(rules(found)).toEqual(['template.missing-section:warning']);
    expect(found[0]?.evidence.map((e) => e.quote)).toEqual(['问题及改进']);
  });
});

const broken = (layout: Layout, over: Record<string, number | null>) =>
  run(
    oldReport(
      [OVERVIEW, ACTIVE, APPLY, FEES, REVIEW, PROBLEMS],
      nationalForm(layout, over),
      layout === 'html' ? 'html' : 'text',
    ),
  );
const sums = (fs: Finding[]) =>
  fs
    .filter((f) => f.rule === 'arith.sum')
    .flatMap((f) => f.evidence.map((e) => `${f.severity} ${e.computation}`));

describe.each(['html', 'lines', 'pipe'] as const)('arith.sum on the 2014–2018 统计表 (%s)', (layout) => {
  it('every row read, every identity holding: no finding', () => {
    const r = oldReport(
      [OVERVIEW, ACTIVE, APPLY, FEES, REVIEW, PROBLEMS],
      nationalForm(layout),
      layout === 'html' ? 'html' : 'text',
    );
    const rows = new Map(r.figures.pre2019?.rows.map((x) => [x.key, x.cell.value]));
    expect(rows.size).toBe(58);
    expect([rows.get('apply.received'), rows.get('staff.part-time'), rows.get('trainees')]).toEqual([
      9, 4, 120,
    ]);
    expect(rules(run(r))).toEqual([]);
  });

  it.each([
    [
      '收到申请数 ≠ 当面+传真+网络+信函',
      { 'apply.received.online': 7 },
      '1 + 0 + 7 + 2 = 10 ≠ (一)收到申请数 9',
    ],
    ['办结数 ≠ 按时+延期', { 'apply.closed.on-time': 6 }, '6 + 1 = 7 ≠ (二)申请办结数 9'],
    [
      '答复数 ≠ the outcome rows',
      { 'apply.answered.open': 6 },
      '2 + 6 + 1 + 1 + 0 + 1 + 0 + 0 = 11 ≠ (三)申请答复数 9',
    ],
    ['行政复议 ≠ 维持+纠错+其他', { 'review.other': 2 }, '1 + 1 + 2 = 4 ≠ 四、行政复议数量 2'],
    ['行政诉讼 ≠ 维持+纠错+其他', { 'litigation.corrected': 1 }, '1 + 1 + 0 = 2 ≠ 五、行政诉讼数量 1'],
    ['人员 ≠ 专职+兼职', { 'staff.full-time': 2 }, '2 + 4 = 6 ≠ (三)从事政府信息公开工作人员数 5'],
  ])('%s: one arith.sum error quoting the total', (_name, over, computation) => {
    const found = broken(layout, over);
    expect(rules(found)).toEqual(['arith.sum:error']);
    expect(sums(found)).toEqual([`error ${computation}`]);
  });

  it('a blank part is unknown, not zero: no finding unless the filled parts already exceed the total', () => {
    expect(rules(broken(layout, { 'apply.received.fax': null, 'apply.received.online': 5 }))).toEqual([]);
    expect(sums(broken(layout, { 'apply.received.fax': null, 'apply.received.online': 9 }))).toEqual([
      'error 1 + (空) + 9 + 2 = 12 ≠ (一)收到申请数 9',
    ]);
  });
});
