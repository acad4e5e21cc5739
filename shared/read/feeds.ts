import { Feed } from 'feed';
import type { PublicFinding } from './types.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/**
 * A feed of findings (RSS 2.0, Atom 1.0 or JSON Feed version 1, written by the `feed` package), in the order given
 * (newest first from scopeFindings), each item linking to its evidence page `<base>/evidence/<id>`, that
 * URL also being the item's id and guid (stable while the finding is). `base` is the configured public URL, never a request's Host.
 * `self` is this page's URL (its `limit` and `cursor` included; default: the scope's first page), the feed's
 * `rel="self"` link (Atom, RSS as `atom:link`) and JSON Feed's `feed_url`.
 * `next`, when the feed is one page of a longer list, is the URL of the page after: Atom's and RSS's
 * `<link rel="next">` (RFC 5005 §3, paged feeds; in RSS as `atom:link`) and JSON Feed's `next_url`.
 */
export function findingsFeed(
  findings: readonly PublicFinding[],
  o: {
    base: string;
    scope: string;
    format: FeedFormat;
    names: ReadonlyMap<string, string>;
    next?: string;
    self?: string;
  },
): string {
  const self = o.self ?? `${o.base}/api/feeds/${o.format}?scope=${encodeURIComponent(o.scope)}`;
  const feed = new Feed({
    id: `${o.base}/api/feeds?scope=${encodeURIComponent(o.scope)}`,
    title: `nianbao-watch findings (${o.scope === '*' ? 'all bodies' : o.scope})`,
    description: '政府信息公开工作年度报告: deadline and anomaly findings with their evidence',
    link: `${o.base}/`,
    language: 'zh-CN',
    updated: findings[0] ? new Date(findings[0].at) : new Date(0),
    generator: 'nianbao-watch',
    feedLinks: { [o.format]: self },
    copyright: 'Findings: nianbao-watch; quoted text: the publishing bodies',
  });
  // Report text is untrusted: the XML feeds declare their title, summary and content as HTML (Atom
  // type="html", RSS content:encoded) and JSON Feed's content is content_html, so every piece of it is escaped
  // there (a quoted `<a href>` or `<img>` shows as text, and `]]>`, which the feed package's CDATA escapes only
  // once, cannot end a CDATA section early). JSON Feed's title and summary are plain text and stay as they are.
  const xml = o.format !== 'json';
  const text = (s: string) => (xml ? escapeHtml(s) : s);
  for (const f of findings) {
    const link = `${o.base}/evidence/${encodeURIComponent(f.id)}`;
    const name = o.names.get(f.bodyId) ?? f.bodyId;
    feed.addItem({
      title: text(`[${f.severity}] ${name} ${f.year}: ${f.message.zh}`),
      // Atom ids must be IRIs: the evidence page's URL is the item's id everywhere.
      id: link,
      guid: link,
      link,
      date: new Date(f.at),
      description: text(`${f.message.zh}\n${f.message.en}`),
      content: f.evidence
        .map((e) => escapeHtml(`${e.where}: ${e.quote}${e.computation ? ` (${e.computation})` : ''}`))
        .join('<br>\n'),
      category: [{ name: f.rule }],
    });
  }
  if (o.format === 'json') {
    const json = feed.json1();
    return o.next === undefined ? json : JSON.stringify({ ...JSON.parse(json), next_url: o.next }, null, 4);
  }
  const xmlText = o.format === 'rss' ? feed.rss2() : feed.atom1();
  return xmlChars(o.next === undefined ? xmlText : withNextLink(xmlText, o.format, o.next));
}

/**
 * The feed with a `rel="next"` link beside its `rel="self"` one (the `feed` package writes no paging
 * links): `<link rel="next" href=…/>` in Atom, `<atom:link …/>` in RSS (its `atom` namespace is declared
 * for the self link). The self link is always written (feedLinks), so its absence is a fault.
 */
function withNextLink(xmlText: string, format: 'rss' | 'atom', next: string): string {
  const href = escapeHtml(next);
  const self = format === 'atom' ? /<link rel="self"[^>]*\/>/ : /<atom:link [^>]*rel="self"[^>]*\/>/;
  const found = self.exec(xmlText);
  if (!found) throw new Error(`the ${format} feed has no self link to put its next link beside`);
  const link =
    format === 'atom'
      ? `<link rel="next" href="${href}"/>`
      : `<atom:link href="${href}" rel="next" type="application/rss+xml"/>`;
  const at = found.index + found[0].length;
  return `${xmlText.slice(0, at)}\n${link}${xmlText.slice(at)}`;
}

/** Text as HTML character data: `& < > " '` as entities. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The characters XML 1.0 (§2.2) forbids even escaped — C0 controls other than TAB, LF, CR (U+000B, Word's
 * manual line break, is common in text pasted into a CMS), lone surrogates, U+FFFE/U+FFFF — made a space,
 * so one report's stray control character does not make a reader refuse the whole feed.
 */
export function xmlChars(xml: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to remove
  return xml.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    ' ',
  );
}
