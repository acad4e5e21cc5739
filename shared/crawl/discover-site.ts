import { classifyLink, type Link } from './discover.ts';

/**
 * Finding a body's 年报 column from its home page (pure: links in, choice out). Portals link a
 * 政府信息公开 section from the home page, and the 年报 column from that section.
 */

const GK_TEXT = /政府信息公开|信息公开|政务公开/;
const GK_URL = /\/(zfxxgk|xxgk|zwgk|gk|govinfo|openness)(\/|\.|$|index)/i;
const GK_DECOY = /指南|制度|目录|申请|年报|年度报告/;
const COLUMN_TEXT = /年度报告|年报/;
const COLUMN_URL = /(zfxxgknb|bmxxgknb|xxgknb|gknb|zfxxgkndbg|zfxxgkgzndbg|ndgzbg|ndbg|xxgkAnnualReport)/i;

const sameSite = (link: Link, base: string): boolean => new URL(link.url).host === new URL(base).host;

function best(links: readonly Link[], score: (l: Link) => number): Link | undefined {
  let top: Link | undefined;
  let topScore = 0;
  for (const l of links) {
    const s = score(l);
    if (s > topScore) {
      top = l;
      topScore = s;
    }
  }
  return top;
}

/** The home page's link to its 政府信息公开 section. */
export function chooseGkLink(links: readonly Link[], pageUrl: string): Link | undefined {
  return best(links, (l) => {
    if (!sameSite(l, pageUrl) || GK_DECOY.test(l.title)) return 0;
    const text = /^政府信息公开$/.test(l.title) ? 4 : GK_TEXT.test(l.title) ? 2 : 0;
    return text > 0 ? text + (GK_URL.test(l.url) ? 1 : 0) : 0;
  });
}

/** The section's link to the 年报 column: report wording without a year (a year names one report). */
export function chooseColumnLink(links: readonly Link[], pageUrl: string): Link | undefined {
  return best(links, (l) => {
    if (!sameSite(l, pageUrl) || classifyLink(l) !== 'other') return 0;
    const text = COLUMN_TEXT.test(l.title) ? 2 : 0;
    const url = COLUMN_URL.test(l.url) ? 1 : 0;
    return text > 0 ? text + url + (/信息公开/.test(l.title) ? 1 : 0) : url;
  });
}

export interface RegistrySkeleton {
  id: string;
  name: string;
  level: string;
  divisionCode: string;
  listingUrl: string;
  render: 'auto';
}

/** A registry entry to complete by hand: the code and level cannot be read off a page reliably. */
export function registrySkeleton(listingUrl: string, siteTitle: string): RegistrySkeleton {
  const name =
    siteTitle
      .split(/[_|\-–—]/)
      .pop()
      ?.trim() || siteTitle.trim();
  return {
    id: '<GB/T 2260 code>',
    name,
    level: '<county|city|…>',
    divisionCode: '<code>',
    listingUrl,
    render: 'auto',
  };
}
