import type { Body } from '../domain/body.ts';
import { FetchError } from '../errors.ts';
import type { ParseMessage, Queue } from '../queue/queue.ts';
import { type RawArchive, sha256Hex } from '../store/archive.ts';
import { getLinks, putLinks } from '../store/link-batch.ts';
import type { LinkItem } from '../store/records.ts';
import type { Repository } from '../store/repository.ts';
import { attachmentLinks, extractLinks, type Link } from './discover.ts';
import type { ConditionalHeaders } from './fetcher.ts';
import { loadPage, type Page, type PageDeps, validatorsOf } from './load-page.ts';
import { visibleTextHash } from './page-text.ts';

export interface ReportDeps extends PageDeps {
  archive: RawArchive;
  repo: Repository;
  parseQueue: Queue<ParseMessage>;
  now: () => Date;
  /** A known report page is fetched again (conditionally) at most this often. */
  recheckMs: number;
}

/** Validators as stored: absent rather than undefined. */
function definedOnly(v: ConditionalHeaders): { etag?: string; lastModified?: string } {
  return { ...(v.etag ? { etag: v.etag } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}) };
}

/** Archives a loaded report page and its attachments, then asks for it to be parsed. Returns objects written. */
export async function archivePage(
  body: Body,
  page: Page,
  linkTitle: string,
  parentUrl: string | undefined,
  deps: ReportDeps,
): Promise<number> {
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
    ...(parentUrl ? { parentUrl } : {}),
    linkTitle,
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

/**
 * A newly discovered report link: its page archived. Returns the objects written and the link item to
 * remember (with its hash and validators), which the caller stores only after the page is archived and
 * queued, together with the listing page's other links in one batch.
 */
export async function archiveNewReport(
  body: Body,
  link: Link,
  listingUrl: string,
  deps: ReportDeps,
): Promise<{ written: number; link: LinkItem | null }> {
  const page = await loadPage(link.url, body, deps);
  if (page === 'not-modified') return { written: 0, link: null };
  const written = await archivePage(body, page, link.title, listingUrl, deps);
  const at = deps.now().toISOString();
  return {
    written,
    link: {
      url: link.url,
      bodyId: body.id,
      title: link.title,
      firstSeen: at,
      isReport: true,
      lastHash: sha256Hex(page.bytes),
      ...(page.rendered ? { lastTextHash: visibleTextHash(page.html) } : {}),
      lastCheckedAt: at,
      ...definedOnly(validatorsOf(page)),
    },
  };
}

/** A known report page that now answers 404 or 410: the report was taken down. */
export interface RemovedReport {
  url: string;
  title: string;
  status: number;
  /** sha256 of the last archived copy (the evidence that it was published). */
  lastHash?: string;
  firstSeen: string;
}

export interface RecheckOutcome {
  checked: number;
  revised: number;
  archived: number;
  removed: RemovedReport[];
}

/**
 * Pages change after publication (DOMAIN.md): each known report page is re-fetched, conditionally, once
 * its interval has passed; content with a new hash is archived as a new object and parsed (the parse
 * stage records it as a revision). A page that now answers 404/410 is returned as removed (its archived
 * copies stay). A page that fails otherwise is left for the next cycle: the listing, not an old report
 * page, decides the body's health.
 */
export async function recheckReports(
  body: Body,
  urls: readonly string[],
  deps: ReportDeps,
): Promise<RecheckOutcome> {
  const out: RecheckOutcome = { checked: 0, revised: 0, archived: 0, removed: [] };
  const now = deps.now();
  // One batched read for all known links; the checked ones are written back together at the end.
  const stored = await getLinks(deps.repo, urls);
  const updated: LinkItem[] = [];
  try {
    for (const url of urls) {
      const link = stored.get(url);
      if (link?.isReport && isDue(link, now, deps.recheckMs))
        out.archived += await recheckOne(body, link, now, deps, out, updated);
    }
  } finally {
    await putLinks(deps.repo, updated);
  }
  return out;
}

/** One due report page, fetched conditionally; a new hash is archived (a revision). */
async function recheckOne(
  body: Body,
  link: LinkItem,
  now: Date,
  deps: ReportDeps,
  out: RecheckOutcome,
  updated: LinkItem[],
): Promise<number> {
  const url = link.url;
  out.checked += 1;
  let page: Page | 'not-modified';
  try {
    page = await loadPage(url, body, deps, { etag: link.etag, lastModified: link.lastModified });
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    // Taken down (404/410): reported once, re-checked on the same schedule in case it comes back. Any
    // other failure (timeout, 5xx, wall) is left for the next cycle.
    if (error.status === 404 || error.status === 410) {
      if (!link.goneSince) {
        out.removed.push({
          url: link.url,
          title: link.title,
          status: error.status,
          firstSeen: link.firstSeen,
          ...(link.lastHash ? { lastHash: link.lastHash } : {}),
        });
      }
      updated.push({
        ...link,
        lastCheckedAt: now.toISOString(),
        goneSince: link.goneSince ?? now.toISOString(),
        goneStatus: error.status,
      });
    }
    return 0;
  }
  const { goneSince: _g, goneStatus: _s, ...present } = link; // answered again: no longer gone
  const next: LinkItem = { ...present, lastCheckedAt: now.toISOString() };
  if (page === 'not-modified') {
    updated.push(next);
    return 0;
  }
  const sha = sha256Hex(page.bytes);
  // A rendered page is compared by its visible text: its DOM differs on every load.
  const textHash = page.rendered ? visibleTextHash(page.html) : undefined;
  const changed = textHash && next.lastTextHash ? textHash !== next.lastTextHash : sha !== link.lastHash;
  let archived = 0;
  if (changed) {
    out.revised += 1;
    archived = await archivePage(body, page, link.title, undefined, deps);
  }
  const { etag: _e, lastModified: _l, lastTextHash: _t, ...rest } = next;
  updated.push({
    ...rest,
    lastHash: changed ? sha : (link.lastHash ?? sha),
    ...(textHash ? { lastTextHash: textHash } : {}),
    ...definedOnly(validatorsOf(page)),
  });
  return archived;
}

function isDue(link: LinkItem, now: Date, recheckMs: number): boolean {
  const last = link.lastCheckedAt ?? link.firstSeen;
  return now.getTime() - Date.parse(last) >= recheckMs;
}
