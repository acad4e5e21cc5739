import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { findingsFeed } from '#shared/read/feeds.ts';
import type { PublicFinding } from '#shared/read/types.ts';

/**
 * Adversarial review of issue 14: report text is handed to feed readers as HTML. Atom items are written <title type="html">,
 * <summary type="html">, <content type="html">, RSS content:encoded is HTML by definition, and the JSON Feed
 * puts the quotes in content_html, all with the report's text unescaped. A report page whose visible text
 * holds markup (an injected spam span shown as text, "a<b", "&nbsp;") is rendered by the reader: a live
 * link to the spam site, a tracking image, or text that silently changes ("a<b" disappears). The dashboard
 * and evidence pages escape the same text; the feeds do not.
 * Expected: the text a reader renders equals the quoted text (escaped as HTML, or type="text").
 */
function atomFields(xml: string): Array<{ name: string; type: string | undefined; text: string }> {
  const p = new SaxesParser({ xmlns: false });
  const out: Array<{ name: string; type: string | undefined; text: string }> = [];
  let cur: { name: string; type: string | undefined; text: string } | null = null;
  p.on('opentag', (t) => {
    if (['title', 'summary', 'content'].includes(t.name))
      cur = { name: t.name, type: t.attributes.type as string | undefined, text: '' };
  });
  p.on('text', (t) => {
    if (cur) cur.text += t;
  });
  p.on('cdata', (t) => {
    if (cur) cur.text += t;
  });
  p.on('closetag', () => {
    if (cur) out.push(cur);
    cur = null;
  });
  p.write(xml).close();
  return out;
}

describe('quoted report text in feeds is text, not markup', () => {
  const quote = '点击<a href="http://casino.example">澳门赌场</a><img src="http://tracker.example/p.gif">';
  const finding = {
    id: '2112:2017:spam.injection:0',
    bodyId: '2112',
    year: 2017,
    rule: 'spam.injection',
    severity: 'error',
    at: '2026-11-30T00:00:00.000Z',
    message: { zh: `页面中有1处被植入的赌博/推广文字:“${quote}”`, en: `1 injected span: "${quote}"` },
    evidence: [{ quote, where: 'text', start: 1, end: 2 }],
  } as unknown as PublicFinding;

  it('atom: fields declared html carry no live markup from the report', () => {
    const xml = findingsFeed([finding], {
      base: 'http://x.test',
      scope: '*',
      format: 'atom',
      names: new Map(),
    });
    for (const f of atomFields(xml).filter((f) => f.type === 'html'))
      expect(f.text, f.name).not.toContain('<img');
  });

  it('json feed: content_html carries no live markup from the report', () => {
    const json = JSON.parse(
      findingsFeed([finding], { base: 'http://x.test', scope: '*', format: 'json', names: new Map() }),
    ) as { items: Array<{ content_html?: string }> };
    expect(json.items[0]?.content_html ?? '').not.toContain('<a href');
  });
});
