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

/** The wording of an annual disclosure report title (年度报告 / 年报 about 信息公开 / 政务公开). */
const REPORT_TITLE =
  /(信息公开|政务公开)[^,。]{0,12}(年度报告|年报|工作报告)|(年度报告|年报).{0,4}(信息公开|政务公开)|政府信息公开年报/;
/**
 * Titles that mention reports without being one: notices about compiling them, work plans, guides,
 * catalogues, rules. Rejected even when the report wording is present.
 */
const DECOY_TITLE =
  /通知|通报|要点|指南|目录|方案|意见|办法|规定|制度|细则|编制|报送|考核|评估|解读|预算|决算|统计表$|工作计划/;
const COLUMN_SLUG = /(zfxxgknb|xxgknb|bmxxgknb|gknb|ndbg|zfxxgkndbg|ndgzbg|zfxxgkgzndbg|xxgkAnnualReport)/i;
const YEAR = /(19|20)\d{2}(?=\s*年)/;

export type LinkKind = 'report' | 'decoy' | 'other';

export function classifyLink(link: Link): LinkKind {
  const t = link.title;
  const reportWording = REPORT_TITLE.test(t) || (COLUMN_SLUG.test(link.url) && /年度报告|年报/.test(t));
  if (!reportWording) return 'other';
  if (DECOY_TITLE.test(t)) return 'decoy';
  // A title with no year is the column itself (政府信息公开年度报告) or a generic page, not one report.
  return YEAR.test(t) ? 'report' : 'other';
}

/** The report year a title names (`吉州区2017年政府信息公开工作年度报告` → 2017). */
export function titleYear(title: string): number | null {
  const m = title.match(YEAR);
  return m ? Number(m[0]) : null;
}

export type AttachmentType = 'pdf' | 'doc' | 'docx' | 'xls' | 'xlsx';
