import * as cheerio from 'cheerio';
import { FetchError } from '../errors.ts';
import { decodeBody } from './decode.ts';
import { extractLinks, type Link } from './discover.ts';
import { chooseColumnLink, chooseGkLink, type RegistrySkeleton, registrySkeleton } from './discover-site.ts';
import type { HttpFetcher } from './fetcher.ts';

export interface DiscoverResult {
  gkUrl: string;
  listingUrl: string;
  columnTitle: string;
  entry: RegistrySkeleton;
}

async function page(
  fetcher: HttpFetcher,
  url: string,
): Promise<{ url: string; links: Link[]; title: string }> {
  const res = await fetcher.fetch(url);
  const html = decodeBody(res.bytes, res.contentType).text;
  return {
    url: res.finalUrl,
    links: extractLinks(html, res.finalUrl),
    title: cheerio.load(html)('title').text(),
  };
}

/** Home page → 政府信息公开 → 年报 column. When the home page links the column itself, that is taken. */
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
  return {
    gkUrl,
    listingUrl: column.url,
    columnTitle: column.title,
    entry: registrySkeleton(column.url, home.title),
  };
}
