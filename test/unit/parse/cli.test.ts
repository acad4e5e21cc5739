import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import iconv from 'iconv-lite';
import { describe, expect, it, vi } from 'vitest';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { ParseResult } from '#shared/domain/report.ts';
import { registerParse } from '#shared/local/commands/parse.ts';

async function runCli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerParse(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await program.parseAsync(['node', 'nianbao', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

describe('nianbao parse', () => {
  it('decodes a gb2312-declared page as gb18030 and prints exactly one JSON ParseResult', async () => {
    // Prepare: 靖远's page as the portal sends it, GBK bytes behind a gb2312 declaration.
    const dir = mkdtempSync(join(tmpdir(), 'nianbao-parse-'));
    const file = join(dir, 'page.html');
    const html = detailPageHtml('001').replace(/<meta charset="[^"]*">/i, '<meta charset="gb2312">');
    writeFileSync(file, iconv.encode(html, 'gbk'));
    // Act
    const out = await runCli([
      'parse',
      file,
      '--url',
      'http://www.jingyuan.gov.cn/art/2017/1/6/art_2134_458921.html',
      '--json',
    ]);
    // Assess
    const result = ParseResult.parse(JSON.parse(out));
    expect(result).toMatchObject({
      kind: 'report',
      title: '靖远县人力资源和社会保障局2016年政府信息公开工作年度报告',
      issuer: { code: '620421-rsj' },
      year: 2016,
      source: { host: 'www.jingyuan.gov.cn' },
    });
  });

  it('prints a readable summary of a plain-text report', async () => {
    // Act
    const out = await runCli(['parse', 'seeds/reports/003_4de4fcdb2784b386.txt']);
    // Assess
    expect(out.split('\n').slice(0, 4)).toEqual([
      '唐河县人民政府2018年政府信息公开工作年度报告',
      '  issuer      唐河县人民政府 (411328, county)',
      '  year        2018   format pre2019',
      '  page date   2019-03-26 (meta: 发布日期 2019-03-26 08:59:06)',
    ]);
    expect(out).toContain('统计表 58 rows');
  });
});
