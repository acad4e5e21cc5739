import { describe, expect, it } from 'vitest';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildReport, context } from './build-report.ts';

const mirror = (report: ReturnType<typeof buildReport>) =>
  runRules(context(report)).filter((f) => f.rule === 'host.mirror');

describe('runRules() host.mirror', () => {
  it('flags a report served from a non-government host, at the catalogue severity (warning)', () => {
    const report = buildReport({
      source: { url: 'http://www.beivbo.com/a/1.html', host: 'www.beivbo.com', sha256: null },
    });
    expect(mirror(report)).toEqual([
      {
        rule: 'host.mirror',
        severity: 'warning',
        message: {
          zh: '报告页面由非政府域名www.beivbo.com提供',
          en: 'The report page was served by www.beivbo.com, not a government (gov.cn) host',
        },
        evidence: [{ quote: 'http://www.beivbo.com/a/1.html', where: 'url' }],
      },
    ]);
  });

  it('flags a contact e-mail or 电子版 address on a non-government domain, not webmail', () => {
    const text = '本报告电子版可在www.jzq-nb.com下载。电子邮箱:jzxx@beivbo.com,备用邮箱:jz@163.com。';
    expect(mirror(buildReport({ text })).flatMap((f) => f.evidence.map((e) => e.quote))).toEqual([
      'www.jzq-nb.com',
      'jzxx@beivbo.com',
    ]);
  });

  it('accepts gov.cn hosts and addresses, and never judges loopback hosts', () => {
    const text = '本报告在门户网站(www.jzq.gov.cn)公布,邮箱jzxx@jzq.gov.cn。';
    expect(mirror(buildReport({ text }))).toEqual([]);
    const local = buildReport({
      source: { url: 'http://127.0.0.1:8080/x', host: '127.0.0.1:8080', sha256: null },
    });
    expect(mirror(local)).toEqual([]);
  });

  it('a bare public IP address or an admin/port host is weak evidence: info, worded so (issue 10, item 5)', () => {
    for (const host of [
      '61.178.20.14',
      '61.178.20.14:8080',
      'admin.jingyuan.gov.cn.example.net',
      'www.x.com:8080',
    ]) {
      const report = buildReport({ source: { url: `http://${host}/xxgk/1.html`, host, sha256: null } });
      const found = mirror(report);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ rule: 'host.mirror', severity: 'info' });
      expect(found[0]?.message.en).toMatch(/weak evidence/);
    }
    expect(
      runRules(
        context(
          buildReport({ source: { url: 'http://61.178.20.14/1.html', host: '61.178.20.14', sha256: null } }),
        ),
      ).filter((f) => f.severity === 'error'),
    ).toEqual([]);
  });
});
