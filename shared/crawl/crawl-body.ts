import type { Body } from '../domain/body.ts';
import { BlockedByWafError, errorClass, messageOf } from '../errors.ts';
import type { ParseMessage, Queue } from '../queue/queue.ts';
import type { RawArchive } from '../store/archive.ts';
import type { BodyState } from '../store/records.ts';
import type { Repository } from '../store/repository.ts';
import type { BrowserPool } from './browser.ts';
import { decodeBody } from './decode.ts';
import {
  attachmentLinks,
  classifyLink,
  extractLinks,
  type Link,
  looksScriptRendered,
  nextPageLink,
} from './discover.ts';
import type { FetchResult, HttpFetcher } from './fetcher.ts';

export interface CrawlDeps {
  fetcher: HttpFetcher;
  browser: BrowserPool;
  archive: RawArchive;
  repo: Repository;
  parseQueue: Queue<ParseMessage>;
  now: () => Date;
  maxListingPages: number;
}

export interface CrawlOutcome {
  bodyId: string;
  status: 'ok' | 'unchanged' | 'failed';
  reportLinks: number;
  newReports: number;
  archived: number;
  rendered: boolean;
  error?: { class: string; message: string };
}

interface Page {
  html: string;
  /** As served (the evidence); for a rendered page, the DOM after scripts ran, as UTF-8. */
  bytes: Uint8Array;
  fetch: Omit<FetchResult, 'bytes'> & { charset: string | null };
  rendered: boolean;
}

async function loadPage(
  url: string,
  body: Body,
  deps: CrawlDeps,
  state?: BodyState,
): Promise<Page | 'not-modified'> {
  if (body.render === 'browser') return renderPage(url, deps);
  let res: FetchResult;
  try {
    res = await deps.fetcher.fetch(url, state ? { etag: state.etag, lastModified: state.lastModified } : {});
  } catch (error) {
    // A wall that answers plain clients is often passed by a real browser; never read it as "no report".
    if (error instanceof BlockedByWafError) return renderPage(url, deps);
    throw error;
  }
  if (res.notModified) return 'not-modified';
  const decoded = decodeBody(res.bytes, res.contentType);
  return {
    html: decoded.text,
    bytes: res.bytes,
    fetch: { ...res, charset: decoded.charset },
    rendered: false,
  };
}

async function renderPage(url: string, deps: CrawlDeps): Promise<Page> {
  const r = await deps.browser.render(url);
  return {
    html: r.html,
    bytes: Buffer.from(r.html, 'utf8'),
    rendered: true,
    fetch: {
      ...r,
      headers: {},
      contentType: 'text/html; charset=utf-8',
      notModified: false,
      charset: 'utf-8',
    },
  };
}

/**
 * One body's crawl: its listing (conditional GET; the browser only when plain HTTP meets a script-only
 * listing or an anti-bot wall), pagination until a page brings no new link, each new annual-report link's
 * detail page and attachments into the archive, and one parse message per new page.
 */
export async function crawlBody(body: Body, deps: CrawlDeps): Promise<CrawlOutcome> {
  const state = await deps.repo.getBodyState(body.id);
  const outcome: CrawlOutcome = {
    bodyId: body.id,
    status: 'ok',
    reportLinks: 0,
    newReports: 0,
    archived: 0,
    rendered: false,
  };
  const checkedAt = deps.now().toISOString();
  try {
    let url: string | undefined = body.listingUrl;
    let first = true;
    let validators: Pick<BodyState, 'etag' | 'lastModified'> = {};
    for (let pageNo = 0; url && pageNo < deps.maxListingPages; pageNo += 1) {
      const loaded = await loadPage(url, body, deps, first ? state : undefined);
      if (loaded === 'not-modified') {
        outcome.status = 'unchanged';
        validators = { etag: state.etag, lastModified: state.lastModified };
        break;
      }
      let page = loaded;
      let links = extractLinks(page.html, page.fetch.finalUrl, body.listingSelector ?? 'a[href]');
      if (!page.rendered && body.render === 'auto' && looksScriptRendered(page.html, links)) {
        page = await renderPage(url, deps);
        links = extractLinks(page.html, page.fetch.finalUrl, body.listingSelector ?? 'a[href]');
      }
      outcome.rendered ||= page.rendered;
      if (first) {
        // Only plain-HTTP validators are reusable; a rendered page has none.
        validators = page.rendered
          ? {}
          : { etag: page.fetch.headers.etag, lastModified: page.fetch.headers['last-modified'] };
      }
      first = false;
      const fresh = await unseenLinks(links, deps);
      for (const link of fresh) {
        const kind = classifyLink(link);
        if (kind === 'report') {
          outcome.reportLinks += 1;
          outcome.archived += await archiveReport(body, link, page.fetch.finalUrl, deps);
          outcome.newReports += 1;
        }
        await deps.repo.putLink({
          url: link.url,
          bodyId: body.id,
          title: link.title,
          firstSeen: checkedAt,
          isReport: kind === 'report',
        });
      }
      if (fresh.length === 0) break;
      url = nextPageLink(links, url)?.url;
    }
    await deps.repo.putBodyState({
      ...stripValidators(state),
      ...definedOnly(validators),
      lastCheckedAt: checkedAt,
      lastSuccessAt: checkedAt,
      consecutiveFailures: 0,
    });
    return outcome;
  } catch (error) {
    const cls = errorClass(error);
    await deps.repo.putBodyState({
      ...state,
      lastCheckedAt: checkedAt,
      lastErrorClass: cls,
      lastError: messageOf(error),
      consecutiveFailures: state.consecutiveFailures + 1,
    });
    return { ...outcome, status: 'failed', error: { class: cls, message: messageOf(error) } };
  }
}

function stripValidators(state: BodyState): BodyState {
  const { etag: _e, lastModified: _l, lastErrorClass: _c, lastError: _m, ...rest } = state;
  return rest;
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function unseenLinks(links: readonly Link[], deps: CrawlDeps): Promise<Link[]> {
  const out: Link[] = [];
  for (const link of links) if (!(await deps.repo.getLink(link.url))) out.push(link);
  return out;
}

/** Archives a report's detail page and its attachments, then asks for it to be parsed. Returns objects written. */
async function archiveReport(body: Body, link: Link, listingUrl: string, deps: CrawlDeps): Promise<number> {
  const page = await loadPage(link.url, body, deps);
  if (page === 'not-modified') return 0;
  let written = 0;
  const attachmentKeys: string[] = [];
  for (const att of attachmentLinks(extractLinks(page.html, page.fetch.finalUrl))) {
    const res = await deps.fetcher.fetch(att.url);
    const put = await deps.archive.put(res.bytes, att.type, {
      bodyId: body.id,
      kind: 'attachment',
      url: res.url,
      finalUrl: res.finalUrl,
      fetchedFrom: res.fetchedFrom,
      parentUrl: page.fetch.finalUrl,
      linkTitle: att.title,
      fetchedAt: res.fetchedAt,
      status: res.status,
      headers: res.headers,
      contentType: res.contentType,
      charset: null,
    });
    attachmentKeys.push(put.key);
    if (put.created) written += 1;
  }
  const put = await deps.archive.put(page.bytes, 'html', {
    bodyId: body.id,
    kind: 'detail',
    url: page.fetch.url,
    finalUrl: page.fetch.finalUrl,
    fetchedFrom: page.fetch.fetchedFrom,
    parentUrl: listingUrl,
    linkTitle: link.title,
    fetchedAt: page.fetch.fetchedAt,
    status: page.fetch.status,
    headers: page.fetch.headers,
    contentType: page.fetch.contentType,
    charset: page.fetch.charset,
  });
  if (put.created) written += 1;
  await deps.parseQueue.send(
    { type: 'parse', bodyId: body.id, rawKey: put.key, reparse: false, attachmentKeys },
    { dedupId: put.key },
  );
  return written;
}
