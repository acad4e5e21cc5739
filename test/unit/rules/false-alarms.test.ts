import { describe, expect, it } from 'vitest';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport, ParseResult } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildBody, buildReport, context } from './build-report.ts';

function asReport(r: ParseResult): ParsedReport {
  if (r.kind !== 'report') throw new Error(`expected a report: ${r.reason}`);
  return r;
}

/** Issue 10, items 1–5: inputs written in the layouts the evaluators met; the whole set of findings asserted. */
const summary = (fs: Finding[]) => fs.map((f) => [f.rule, f.severity, f.evidence.map((e) => e.quote)]);

describe('issue 10 item 1: the base of a share is the nearest stated whole it belongs to', () => {
  it('a subtotal broken down after a grand total: 320 and 150 are right against 500, no finding', () => {
    // Prepare
    const text =
      '本年度共制作政府信息2000条,其中主动公开500条。各部门主动公开320条,占64.0%;办公室主动公开180条,占36.0%。在网站公开的500条信息中,政策解读类150条,占30.0%。';
    // Act
    const findings = runRules(context(buildReport({ text })));
    // Assess
    expect(findings).toEqual([]);
  });

  it('the same layout with a share wrong against every reading is still an error', () => {
    const text = '本年度共制作政府信息2000条,其中主动公开500条。各部门主动公开320条,占46.0%。';
    const findings = runRules(context(buildReport({ text })));
    expect(summary(findings)).toEqual([['arith.percent', 'warning', ['320条,占46.0%', '2000条']]]);
    expect(findings[0]?.message.en).toMatch(/the base is uncertain/);
    expect(findings[0]?.evidence[0]?.computation).toBe(
      '320 / 2000 = 16.0%, stated 46% (tolerance ±0.1 point); also wrong against 500',
    );
  });

  it('a 其中 list in one sentence ties the share to its head: an error', () => {
    const text = '全年共受理申请80件,其中予以公开60件,占80%;不予公开20件,占25%。';
    expect(summary(runRules(context(buildReport({ text }))))).toEqual([
      ['arith.percent', 'error', ['60件,占80%', '80件']],
    ]);
  });
});

describe('issue 10 item 2: a zone registered under a county code writes 本区 of itself', () => {
  const zone = buildBody({
    id: '620421-zhsyq',
    name: '靖远县刘川综合实验区管理委员会',
    level: 'department',
    divisionCode: '620421',
  });
  const text =
    '2023年,本区认真贯彻落实《政府信息公开条例》,全区共主动公开政府信息320条。区管委会办公室负责本区政府信息公开工作,推动全区政务公开工作提质增效。';

  it('no copy.other-body against its registered name', () => {
    expect(runRules(context(buildReport({ text }), { body: zone }))).toEqual([]);
  });

  it('nor without a registry, from its title', () => {
    const report = buildReport({ text, title: '刘川综合实验区2023年政府信息公开工作年度报告' });
    expect(runRules(context(report))).toEqual([]);
  });

  it('a county bureau writing as a district is still flagged', () => {
    const found = runRules(context(buildReport({ text }), { body: buildBody() }));
    expect(summary(found)).toEqual([['copy.other-body', 'warning', ['本区', '全区', '本区', '全区']]]);
  });
});

describe('issue 10 item 5: a bare-IP host is weak evidence', () => {
  it('info, worded as weak, never an error', () => {
    const report = buildReport({
      text: '本年度主动公开政府信息120条。',
      source: { url: 'http://61.178.20.14:8080/xxgk/2024/1.html', host: '61.178.20.14:8080', sha256: null },
    });
    const findings = runRules(context(report));
    expect(summary(findings)).toEqual([
      ['host.mirror', 'info', ['http://61.178.20.14:8080/xxgk/2024/1.html']],
    ]);
    expect(findings[0]?.message.en).toMatch(/weak evidence/);
  });
});

describe('issue 10 item 3: headline figures only from a sentence that states them', () => {
  const page = (year: number, body: string) =>
    parseReport({
      text: `某县财政局${year}年政府信息公开工作年度报告\n一、总体情况\n${body}\n二、主动公开政府信息情况\n按照条例要求,及时公开财政预决算、政府采购等信息,做到应公开尽公开,确保公开内容准确完整。\n三、收到和处理政府信息公开申请情况\n本年度依申请公开工作运行平稳,均在法定期限内答复。\n四、存在的主要问题及改进情况\n公开内容的深度和广度还需拓展,下一步将加强培训,提高信息发布质量和时效。`,
      url: `http://www.x.gov.cn/czj/t${year + 1}0120_1.html`,
    });
  const older = page(
    2022,
    '2022年,我局主动公开招投标信息96条,将部分涉及个人的信息列为依申请公开的信息30条,各项工作有序推进,未发生行政复议和行政诉讼。',
  );
  const newer = page(
    2023,
    '2023年,我局全年主动公开政府信息1100条,收到政府信息公开申请2件,均按期答复,未发生行政复议和行政诉讼。',
  );

  it('a category count and information classed as on-request are not the totals', () => {
    const report = asReport(older);
    expect(report.figures.narrative.map((f) => f.key)).toEqual([]);
    expect(asReport(newer).figures.narrative.map((f) => [f.key, f.value])).toEqual([
      ['active.total', 1100],
      ['application.received', 2],
    ]);
  });

  it('no stats.swing from a guess (96 → 1,100 would read as ×11)', () => {
    const report = asReport(newer);
    const findings = runRules({ report, body: null, previous: [asReport(older)], today: '2025-06-01' });
    expect(findings.filter((f) => f.rule === 'stats.swing')).toEqual([]);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
