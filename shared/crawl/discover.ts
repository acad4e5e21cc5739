import * as cheerio from 'cheerio';
import { Parser } from 'htmlparser2';

export interface Link {
  url: string;
  title: string;
}

const SKIP_HREF = /^(javascript:|mailto:|tel:|#)/i;

/**
 * Every followable link of a page, resolved against its URL, deduplicated, in page order. Its title is
 * the link's `title` attribute, else its text. The default (`a[href]`) reads the page as a stream of tags
 * (htmlparser2), with no document tree: the crawler reads every listing and report page this way, and a
 * tree per page was most of its memory churn. A registry's own selector needs the tree (cheerio).
 */
export function extractLinks(html: string, baseUrl: string, selector = 'a[href]'): Link[] {
  const collect = linkCollector(baseUrl);
  if (selector === 'a[href]') {
    let open: { href: string; title: string | undefined; text: string } | null = null;
    const close = () => {
      if (open) collect(open.href, open.title, open.text);
      open = null;
    };
    const parser = new Parser(
      {
        onopentag(name, attrs) {
          if (name !== 'a') return;
          close(); // an <a> inside an unclosed <a> closes it, as browsers do
          if (attrs.href !== undefined) open = { href: attrs.href, title: attrs.title, text: '' };
        },
        ontext(text) {
          if (open) open.text += text;
        },
        onclosetag(name) {
          if (name === 'a') close();
        },
      },
      { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
    );
    parser.end(html);
    close();
  } else {
    const $ = cheerio.load(html);
    $(selector).each((_, el) => {
      const a = $(el);
      const href = a.attr('href');
      if (href !== undefined) collect(href, a.attr('title'), a.text());
    });
  }
  return collect.links;
}

/** Resolves, filters and deduplicates links as they are found; `.links` is the result. */
function linkCollector(baseUrl: string) {
  const seen = new Set<string>();
  const links: Link[] = [];
  const collect = (rawHref: string, titleAttr: string | undefined, text: string) => {
    const href = rawHref.trim();
    if (!href || SKIP_HREF.test(href)) return;
    let url: string;
    try {
      url = new URL(href, baseUrl).href.replace(/#.*$/, '');
    } catch {
      return;
    }
    if (!/^https?:/.test(url) || seen.has(url)) return;
    seen.add(url);
    const title = (titleAttr?.trim() || text).replace(/\s+/g, ' ').trim();
    links.push({ url, title });
  };
  return Object.assign(collect, { links });
}

export { classifyLink, type LinkKind, titleYear } from './report-title.ts';

export type AttachmentType = 'pdf' | 'doc' | 'docx' | 'xls' | 'xlsx';
