import { describe, expect, it } from 'vitest';
import type { Finding } from '#shared/domain/finding.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildBody, buildReport, context } from './build-report.ts';

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
