import type { Body } from '../domain/body.ts';
import { BlockedByWafError } from '../errors.ts';
import type { BrowserPool } from './browser.ts';
import { decodeBody } from './decode.ts';
import type { ConditionalHeaders, FetchResult, HttpFetcher } from './fetcher.ts';

export interface PageDeps {
  fetcher: HttpFetcher;
  browser: BrowserPool;
}

export interface Page {
  html: string;
  /** As served (the evidence); for a rendered page, the DOM after scripts ran, as UTF-8. */
  bytes: Uint8Array;
  /** `charset` is the decoder actually used (gb2312/gbk pages read as gb18030; a lying header overruled). */
  fetch: Omit<FetchResult, 'bytes'> & { charset: string | null };
  rendered: boolean;
  /** Rendered pages only: the documents of its same-site frames, as the browser loaded them. */
  frames?: Array<{ url: string; html: string }>;
}

/**
 * A page by plain HTTP (conditional when validators are given), or in the browser when the registry
 * says so or when plain HTTP meets an anti-bot wall (a wall is never read as "no report").
 */
export async function loadPage(
  url: string,
  body: Body,
  deps: PageDeps,
  conditional: ConditionalHeaders = {},
): Promise<Page | 'not-modified'> {
  if (body.render === 'browser') return renderPage(url, deps);
  let res: FetchResult;
  try {
    res = await deps.fetcher.fetch(url, conditional);
  } catch (error) {
    if (error instanceof BlockedByWafError) return renderPage(url, deps);
    throw error;
  }
  if (res.notModified) return 'not-modified';
  const decoded = decodeBody(res.bytes, res.contentType);
  return {
    html: decoded.text,
    bytes: res.bytes,
    fetch: { ...res, charset: decoded.decoder },
    rendered: false,
  };
}

export async function renderPage(url: string, deps: PageDeps): Promise<Page> {
  // The browser obeys robots.txt too; checked outside the host gate the render holds.
  await deps.fetcher.assertAllowed(url);
  const r = await deps.browser.render(url);
  return {
    html: r.html,
    bytes: Buffer.from(r.html, 'utf8'),
    rendered: true,
    frames: r.frames ?? [],
    fetch: {
      ...r,
      headers: {},
      contentType: 'text/html; charset=utf-8',
      notModified: false,
      charset: 'utf-8',
      // Chromium's peer address and TLS session are not recorded for a rendered page.
      peer: null,
    },
  };
}

/** Validators worth sending next time: only plain-HTTP responses have them. */
export function validatorsOf(page: Page): ConditionalHeaders {
  if (page.rendered) return {};
  return { etag: page.fetch.headers.etag, lastModified: page.fetch.headers['last-modified'] };
}
