import type { Body } from '../domain/body.ts';
import { classifyLink } from './discover.ts';
import type { ConditionalHeaders } from './fetcher.ts';
import { type ListingRead, readListing } from './listing-read.ts';
import { loadPage, type Page, type PageDeps, renderPage } from './load-page.ts';

export interface ListingPage {
  page: Page;
  read: ListingRead;
}

/**
 * One listing page as a reader would see it: by plain HTTP, and in Chromium when the registry says so,
 * when plain HTTP meets an anti-bot wall, or when the page's links come from script (no report link and no
 * frame to read, or script pagination that could not be resolved from the HTML). In the browser the
 * documents of its same-site frames are read too.
 */
export async function readListingPage(
  url: string,
  body: Body,
  deps: PageDeps,
  conditional: ConditionalHeaders = {},
): Promise<ListingPage | 'not-modified'> {
  const loaded = await loadPage(url, body, deps, conditional);
  if (loaded === 'not-modified') return loaded;
  const selector = body.listingSelector;
  const read = (p: Page) => readListing(p.html, p.fetch.finalUrl, selector ? { selector } : {});
  let page = loaded;
  let found = read(page);
  if (!page.rendered && body.render === 'auto' && needsBrowser(page.html, found)) {
    page = await renderPage(url, deps);
    found = read(page);
  }
  if (page.rendered) found = afterScripts(found);
  if (page.rendered && page.frames?.length) found = withFrames(found, page.frames, selector);
  return { page, read: found };
}

function needsBrowser(html: string, read: ListingRead): boolean {
  if (!/<script[\s>]/i.test(html)) return false;
  if (read.unread.length > 0) return true;
  return read.frames.length === 0 && !read.links.some((l) => classifyLink(l) === 'report');
}

/**
 * In a rendered DOM the scripts have already run: the links they write are in it, so "links written by
 * script" is no longer a reason the page is unread (script pagination that needs a click still is).
 */
function afterScripts(read: ListingRead): ListingRead {
  return { ...read, unread: read.unread.filter((u) => !/only a browser can read/.test(u)) };
}

/** The browser already loaded the frames: their links count as the page's own; they need no fetch. */
function withFrames(
  top: ListingRead,
  frames: ReadonlyArray<{ url: string; html: string }>,
  selector: string | undefined,
): ListingRead {
  const loaded = new Set<string>();
  const links = [...top.links];
  const pages = [...top.pages];
  const unread = [...top.unread];
  for (const f of frames) {
    if (!f.html) continue;
    loaded.add(f.url);
    const r = readListing(f.html, f.url, selector ? { selector } : {});
    links.push(...r.links);
    pages.push(...r.pages);
    unread.push(...r.unread.map((u) => `frame ${f.url}: ${u}`));
  }
  return {
    ...top,
    links,
    pages: [...new Set(pages)],
    frames: top.frames.filter((f) => !loaded.has(f)),
    unread: [...new Set(unread)],
  };
}
