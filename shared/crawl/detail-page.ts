import type { Body } from '../domain/body.ts';
import { FetchError, messageOf } from '../errors.ts';
import type { ParseMessage } from '../queue/queue.ts';
import { type RawArchive, sha256Hex } from '../store/archive.ts';
import type { LinkItem } from '../store/records.ts';
import { attachmentHint, identifyAttachment } from './attachment-kind.ts';
import type { ConditionalHeaders, FetchResult } from './fetcher.ts';
import { readListing } from './listing-read.ts';
import { type Page, type PageDeps, validatorsOf } from './load-page.ts';
import { visibleTextHash } from './page-text.ts';
import { backoffMs } from './walk-plan.ts';

export interface DetailDeps extends PageDeps {
  archive: RawArchive;
  now: () => Date;
}

/** What archiving one report page produced: its parse message and the link's new state. */
export interface ArchivedDetail {
  written: number;
  message: ParseMessage;
  link: LinkItem;
}

/** Validators as stored: absent rather than undefined. */
export function definedOnly(v: ConditionalHeaders): { etag?: string; lastModified?: string } {
  return { ...(v.etag ? { etag: v.etag } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}) };
}

/**
 * Archives a loaded candidate page with its attachments. The page may itself be the report file (a listing
 * that links the PDF directly): then it is archived under its own type. Attachments are recognised by the
 * link (extension, a file name in the query, download paths) and confirmed by what the server sends (magic
 * bytes, Content-Disposition, Content-Type); navigation and footer links are not attachments of a report.
 * A failing attachment is noted on the link and does not fail the page. Any error is ours (store, queue)
 * and propagates.
 */
export async function archiveLoaded(
  body: Body,
  link: LinkItem,
  page: Page,
  deps: DetailDeps,
): Promise<ArchivedDetail> {
  const at = deps.now().toISOString();
  const asFile = page.rendered ? null : await fileTypeOf(page.bytes, page.fetch.headers, link.url);
  let written = 0;
  let rawKey: string;
  const attachmentKeys: string[] = [];
  const attachmentErrors: Array<{ url: string; error: string }> = [];
  if (asFile) {
    const put = await deps.archive.put(page.bytes, asFile, meta(body, 'attachment', page, link));
    rawKey = put.key;
    written += put.created ? 1 : 0;
  } else {
    for (const att of attachmentCandidates(page)) {
      try {
        const res = await deps.fetcher.fetch(att.url);
        const kind = await identifyAttachment({
          bytes: res.bytes,
          headers: res.headers,
          url: res.finalUrl,
          hint: att.type,
        });
        if (kind.type === null || kind.type === 'html') continue; // a download link answering a page
        const put = await deps.archive.put(res.bytes, kind.type, {
          ...fileMeta(body, res, page.fetch.finalUrl, kind.filename ?? att.title),
        });
        attachmentKeys.push(put.key);
        written += put.created ? 1 : 0;
      } catch (error) {
        if (!(error instanceof FetchError)) throw error;
        attachmentErrors.push({ url: att.url, error: messageOf(error) });
      }
    }
    const put = await deps.archive.put(page.bytes, 'html', meta(body, 'detail', page, link));
    rawKey = put.key;
    written += put.created ? 1 : 0;
  }
  const { nextAttemptAt: _n, lastError: _e, lastErrorClass: _c, ...rest } = link;
  // Failed attachments bring the page back after a backoff (walk-plan.ts dueLinks): they may answer then.
  const attempts = attachmentErrors.length ? link.attempts + 1 : 0;
  return {
    written,
    message: { type: 'parse', bodyId: body.id, rawKey, reparse: false, attachmentKeys, linkUrl: link.url },
    link: {
      ...rest,
      state: 'queued',
      attempts,
      ...(attempts ? { nextAttemptAt: new Date(Date.parse(at) + backoffMs(attempts)).toISOString() } : {}),
      lastStatus: page.fetch.status,
      rawKey,
      attachmentKeys,
      ...(attachmentErrors.length ? { attachmentErrors } : {}),
      lastHash: sha256Hex(page.bytes),
      ...(page.rendered ? { lastTextHash: visibleTextHash(page.html) } : {}),
      lastCheckedAt: at,
      ...definedOnly(validatorsOf(page)),
    },
  };
}

type FileType = 'pdf' | 'doc' | 'docx' | 'xls' | 'xlsx';

/** The page is itself a report file when its bytes or headers say so (not its URL alone). */
async function fileTypeOf(
  bytes: Uint8Array,
  headers: Record<string, string>,
  url: string,
): Promise<FileType | null> {
  // Most detail pages are HTML that says so: no magic-byte sniffing for them (it costs ms per page).
  if (/html/i.test(headers['content-type'] ?? '') && looksLikeMarkup(bytes)) return null;
  const kind = await identifyAttachment({ bytes, headers, url, hint: attachmentHint(url, '')?.type ?? null });
  return kind.type === null || kind.type === 'html' ? null : kind.type;
}

/** Links of the page's content (not its navigation or footer) that look like attachments. */
function attachmentCandidates(page: Page): Array<{ url: string; title: string; type: FileType | null }> {
  const out: Array<{ url: string; title: string; type: FileType | null }> = [];
  for (const l of readListing(page.html, page.fetch.finalUrl).links) {
    if (l.region !== 'content') continue;
    const hint = attachmentHint(l.url, l.title);
    if (hint?.likely) out.push({ url: l.url, title: l.title, type: hint.type });
  }
  return out;
}

function meta(body: Body, kind: 'detail' | 'attachment', page: Page, link: LinkItem) {
  return {
    bodyId: body.id,
    kind,
    url: page.fetch.url,
    finalUrl: page.fetch.finalUrl,
    fetchedFrom: page.fetch.fetchedFrom,
    ...(link.listedOn ? { parentUrl: link.listedOn } : {}),
    linkTitle: link.title,
    fetchedAt: page.fetch.fetchedAt,
    status: page.fetch.status,
    headers: page.fetch.headers,
    contentType: page.fetch.contentType,
    charset: kind === 'detail' ? page.fetch.charset : null,
    peer: page.fetch.peer,
  };
}

function fileMeta(body: Body, res: FetchResult, parentUrl: string, title: string) {
  return {
    bodyId: body.id,
    kind: 'attachment' as const,
    url: res.url,
    finalUrl: res.finalUrl,
    fetchedFrom: res.fetchedFrom,
    parentUrl,
    linkTitle: title,
    fetchedAt: res.fetchedAt,
    status: res.status,
    headers: res.headers,
    contentType: res.contentType,
    charset: null,
    peer: res.peer,
  };
}

/** True when the first non-blank byte (after a UTF-8 BOM) is `<`: markup, not a PDF or an Office file. */
function looksLikeMarkup(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    i < 1024 &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i += 1;
  return bytes[i] === 0x3c;
}
