import { describe, expect, it } from 'vitest';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildReport, context } from './build-report.ts';

const mirror = (report: ReturnType<typeof buildReport>) =>
  runRules(context(report)).filter((f) => f.rule === 'host.mirror');

describe('runRules() host.mirror', () => {
  it('flags a report served from a non-government host', () => {
    const report = buildReport({
      source: { url: 'http://www.beivbo.com/a/1.html', host: 'www.beivbo.com', sha256: null },
    });
    expect(mirror(report)).toEqual([
      {
        rule: 'host.mirror',
        severity: 'error',
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
});
