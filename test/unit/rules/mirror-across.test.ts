import { describe, expect, it } from 'vitest';
import { hostMirror } from '#shared/rules/host-rules.ts';
import { mirrorAcross, type TextCopy, textHash } from '#shared/rules/mirror-across.ts';
import { buildReport } from './build-report.ts';

/** host.mirror across bodies (issue 10, item 15): the same report text archived for two bodies. */
const czj: TextCopy = {
  bodyId: '620421-czj',
  year: 2023,
  host: 'www.jingyuan.gov.cn',
  url: 'http://www.jingyuan.gov.cn/czj/202401/t20240120_1.html',
};
const at = (bodyId: string, host: string, path = '/xxgk/202401/t20240120_9.html'): TextCopy => ({
  bodyId,
  year: 2023,
  host,
  url: `http://${host}${path}`,
});

describe('mirrorAcross()', () => {
  it('this copy on a non-government host, the text archived elsewhere: a warning quoting both URLs', () => {
    const me = at('620421', 'www.jingyuan-nb.com');
    const [f, ...rest] = mirrorAcross(hostMirror, me, [czj, me]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('warning');
    expect(f?.evidence).toEqual([
      { quote: me.url, where: 'url (this copy: 620421, 2023)' },
      { quote: czj.url, where: 'url (the same text archived for 620421-czj, 2023)' },
    ]);
    expect(f?.message.zh).toContain('www.jingyuan-nb.com不是政府域名');
    // Seen from the government side, the foreign copy is that copy's finding (its body is told), not this one's.
    expect(mirrorAcross(hostMirror, czj, [czj, me])).toEqual([]);
  });

  it('government hosts on both sides: info, worded as weak evidence', () => {
    const me = at('6204', 'www.baiyin.gov.cn');
    const found = mirrorAcross(hostMirror, me, [czj, me]);
    expect(found.map((x) => [x.severity, x.message.en])).toEqual([
      [
        'info',
        'The same report text is also archived from www.jingyuan.gov.cn (620421-czj, 2023) (government hosts on both sides: usually a republication; weak evidence, compare)',
      ],
    ]);
  });

  it('no finding: the same body, the same host (one page listed by two bodies), loopback hosts, no other copy', () => {
    expect(mirrorAcross(hostMirror, czj, [czj, at('620421-czj', 'www.jingyuan-nb.com')])).toEqual([]);
    expect(mirrorAcross(hostMirror, czj, [czj, at('620421', 'www.jingyuan.gov.cn')])).toEqual([]);
    expect(mirrorAcross(hostMirror, at('620421', '127.0.0.1:4000'), [czj])).toEqual([]);
    expect(mirrorAcross(hostMirror, czj, [at('620421', '127.0.0.1:4000')])).toEqual([]);
    expect(mirrorAcross(hostMirror, czj, [czj])).toEqual([]);
  });
});

describe('textHash()', () => {
  const long = '本年度全县主动公开政府信息五千一百二十条其中政策文件四十件'.repeat(10);
  it('ignores whitespace, punctuation and full-width forms; differs for other text; null when too short', () => {
    const a = textHash(buildReport({ text: long }));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(textHash(buildReport({ text: ` ${long.replace(/条/g, '条，\n')}` }))).toBe(a);
    expect(textHash(buildReport({ text: long.replace('五千', '六千') }))).not.toBe(a);
    expect(textHash(buildReport({ text: '政府信息公开工作年度报告' }))).toBeNull();
  });
});
