import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { findingsFeed } from '#shared/read/feeds.ts';
import type { PublicFinding } from '#shared/read/types.ts';

/** Parses XML strictly (saxes, XML 1.0 well-formedness); returns the first error or null. */
function xmlError(xml: string): string | null {
  const p = new SaxesParser({ xmlns: true });
  let err: string | null = null;
  p.on('error', (e) => {
    err ??= String(e);
  });
  try {
    p.write(xml).close();
  } catch (e) {
    err ??= String(e);
  }
  return err;
}

/**
 * Adversarial review of issue 14: hostile report text in a finding makes the RSS and Atom feeds ill-formed XML. The feed package
 * writes titles, descriptions and content as CDATA through xml-js, which escapes "]]>" with
 * String.replace(']]>', …): only the FIRST occurrence. Any field in which "]]>" occurs twice (the title is
 * "[sev] <body name> <year>: <message.zh>", the description is message.zh + "\n" + message.en, the content
 * joins every evidence quote: a rule that puts one quoted text in both zh and en, or quotes one passage twice,
 * doubles it) closes the CDATA early. xmlChars() only removes control characters. One hostile page breaks the
 * scope-* feed for every reader.
 */
describe('feeds stay well-formed XML with "]]>" in quoted report text', () => {
  const hostile = '报告正文 ]]><script>x</script> 结束';
  const finding = {
    id: '2112:2017:placeholder.unfilled:0',
    bodyId: '2112',
    year: 2017,
    rule: 'placeholder.unfilled',
    severity: 'warning',
    at: '2026-11-30T00:00:00.000Z',
    message: { zh: `未填写的占位文字:“${hostile}”`, en: `Unfilled placeholder: "${hostile}"` },
    evidence: [
      { quote: hostile, where: 'text', start: 10, end: 20 },
      { quote: hostile, where: 'text', start: 30, end: 40 },
    ],
  } as unknown as PublicFinding;

  for (const format of ['rss', 'atom'] as const)
    it(`${format}: parses as XML`, () => {
      const xml = findingsFeed([finding], { base: 'http://x.test', scope: '*', format, names: new Map() });
      expect(xmlError(xml)).toBeNull();
    });
});
