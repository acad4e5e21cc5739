import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCheck } from '#shared/local/commands/check.ts';

const PAGE = `<html><head><meta charset="gb2312"><title>某区2011年政府信息公开年度报告</title></head><body>
<h1>榆次区2011年政府信息公开年度报告</h1>
<p>一、概述</p><p>截至2011年底,全区共公开区级信息数为2450条,网络公开2198条。其中:机构职能类信息144条,占总数的6%;政策法规类信息57条,占总数的3.2%;工作动态类信息1775条,占总数的72.5%;决策类信息22条,占总数的1%;其它信息452条,占总数的18.5%。</p>
<p>二、主动公开政府信息情况</p><p>三、依申请公开政府信息情况</p><p>2011年,我区没有接到依申请公开事项的申请。</p>
</body></html>`;

async function check(args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  const program = new Command('nianbao').exitOverride();
  registerCheck(program);
  await program.parseAsync(['node', 'nianbao', 'check', ...args]);
  log.mockRestore();
  return lines.join('\n');
}

describe('nianbao check', () => {
  afterEach(() => {
    process.exitCode = 0;
  });

  it('decodes a gb2312 page, judges the --url host and prints the record with findings as JSON', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'nb-check-')), 'page.html');
    writeFileSync(file, iconv.encode(PAGE, 'gbk'));
    // Act
    const out = await check([
      file,
      '--url',
      'http://www.yuci.gov.cn/x/t20120314_1.html',
      '--today',
      '2025-06-01',
      '--json',
      '--registry',
      '/nonexistent.json',
    ]);
    // Assess
    const record = JSON.parse(out) as {
      kind: string;
      title: string;
      findings: Array<{ rule: string; evidence: Array<{ quote: string }> }>;
    };
    expect(record.kind).toBe('report');
    expect(record.findings.map((f) => [f.rule, f.evidence[0]?.quote])).toEqual([
      ['arith.percent', '57条,占总数的3.2%'],
    ]);
    expect(process.exitCode).toBe(1);
  });

  it('prints findings readably', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nb-check-')), 'page.html');
    writeFileSync(file, PAGE.replace('gb2312', 'utf-8'));
    const out = await check([
      file,
      '--url',
      'http://www.beivbo.com/x.html',
      '--registry',
      '/nonexistent.json',
    ]);
    expect(out).toContain('WARNING host.mirror');
    expect(out).toContain('ERROR   arith.percent');
    expect(out).toContain('57 / 2450 = 2.3%, stated 3.2%');
  });
});
