import type { Body } from '../domain/body.ts';
import { errorClass, messageOf } from '../errors.ts';
import { putLinks, seenUrls } from '../store/link-batch.ts';
import type { BodyState, LinkItem } from '../store/records.ts';
import { classifyLink, extractLinks, looksScriptRendered, nextPageLink } from './discover.ts';
import type { ConditionalHeaders } from './fetcher.ts';
import { loadPage, renderPage, validatorsOf } from './load-page.ts';
import { archiveNewReport, type RemovedReport, type ReportDeps, recheckReports } from './report-pages.ts';

export interface CrawlDeps extends ReportDeps {
  maxListingPages: number;
}

export interface CrawlOutcome {
  bodyId: string;
  status: 'ok' | 'unchanged' | 'failed';
  reportLinks: number;
  newReports: number;
  /** Known report pages re-fetched for edits, and how many had changed. */
  rechecked: number;
  revised: number;
  /** Known report pages that now answer 404/410 (each reported once). */
  removed: RemovedReport[];
  archived: number;
  rendered: boolean;
  error?: { class: string; message: string };
}

/**
 * One body's crawl: its listing (conditional GET; the browser only when plain HTTP meets a script-only
 * listing or an anti-bot wall), pagination until a page brings no new link, each new annual-report link's
 * detail page and attachments into the archive, one parse message per new page, then the re-check of
 * known report pages whose interval has passed. Health (last success, error class, failure streak) is
 * recorded in the body's state; a failure is returned, never thrown.
 */
export async function crawlBody(body: Body, deps: CrawlDeps): Promise<CrawlOutcome> {
  const state = await deps.repo.getBodyState(body.id);
  const outcome: CrawlOutcome = {
    bodyId: body.id,
    status: 'ok',
    reportLinks: 0,
    newReports: 0,
    rechecked: 0,
    revised: 0,
    removed: [],
    archived: 0,
    rendered: false,
  };
  const checkedAt = deps.now().toISOString();
  const known = state.reportLinks ?? [];
  const found: string[] = [];
  try {
    const validators = await crawlListing(body, state, deps, outcome, found);
    const recheck = await recheckReports(body, known, deps);
    outcome.rechecked = recheck.checked;
    outcome.revised = recheck.revised;
    outcome.removed = recheck.removed;
    outcome.archived += recheck.archived;
    await deps.repo.putBodyState({
      ...healthy(state),
      ...definedOnly(validators),
      ...(known.length + found.length > 0 ? { reportLinks: [...new Set([...known, ...found])] } : {}),
      lastCheckedAt: checkedAt,
      lastSuccessAt: checkedAt,
      consecutiveFailures: 0,
    });
    return outcome;
  } catch (error) {
    const cls = errorClass(error);
    await deps.repo.putBodyState({
      ...state,
      ...(found.length > 0 ? { reportLinks: [...new Set([...known, ...found])] } : {}),
      lastCheckedAt: checkedAt,
      lastErrorClass: cls,
      lastError: messageOf(error),
      consecutiveFailures: state.consecutiveFailures + 1,
      failingSince: state.failingSince ?? checkedAt,
    });
    return { ...outcome, status: 'failed', error: { class: cls, message: messageOf(error) } };
  }
}

/** Walks the listing pages; returns the first page's validators for the next conditional GET. */
async function crawlListing(
  body: Body,
  state: BodyState,
  deps: CrawlDeps,
  outcome: CrawlOutcome,
  found: string[],
): Promise<ConditionalHeaders> {
  let validators: ConditionalHeaders = {};
  let url: string | undefined = body.listingUrl;
  const selector = body.listingSelector ?? 'a[href]';
  for (let pageNo = 0; url && pageNo < deps.maxListingPages; pageNo += 1) {
    const first = pageNo === 0;
    const loaded = await loadPage(
      url,
      body,
      deps,
      first ? { etag: state.etag, lastModified: state.lastModified } : {},
    );
    if (loaded === 'not-modified') {
      outcome.status = 'unchanged';
      return { etag: state.etag, lastModified: state.lastModified };
    }
    let page = loaded;
    let links = extractLinks(page.html, page.fetch.finalUrl, selector);
    if (!page.rendered && body.render === 'auto' && looksScriptRendered(page.html, links)) {
      page = await renderPage(url, deps);
      links = extractLinks(page.html, page.fetch.finalUrl, selector);
    }
    outcome.rendered ||= page.rendered;
    if (first) validators = validatorsOf(page);
    const seen = await seenUrls(
      deps.repo,
      links.map((l) => l.url),
    );
    const fresh = links.filter((l) => !seen.has(l.url));
    const remembered: LinkItem[] = [];
    for (const link of fresh) {
      const kind = classifyLink(link);
      if (kind === 'report') {
        outcome.reportLinks += 1;
        const archived = await archiveNewReport(body, link, page.fetch.finalUrl, deps);
        outcome.archived += archived.written;
        outcome.newReports += 1;
        found.push(link.url);
        if (archived.link) remembered.push(archived.link);
        continue;
      }
      // Remembered so the next cycle skips it; a report link is stored only once its page is archived
      // (a crash before the batch below refetches it next cycle, and the archive writes nothing twice).
      remembered.push({
        url: link.url,
        bodyId: body.id,
        title: link.title,
        firstSeen: deps.now().toISOString(),
        isReport: false,
      });
    }
    await putLinks(deps.repo, remembered);
    if (fresh.length === 0) break;
    url = nextPageLink(links, url)?.url;
  }
  return validators;
}

/** Success ends a failure streak: its validators, error and alert marker are dropped. */
function healthy(state: BodyState): BodyState {
  const {
    etag: _e,
    lastModified: _l,
    lastErrorClass: _c,
    lastError: _m,
    failingSince: _f,
    adminAlertedAt: _a,
    ...rest
  } = state;
  return rest;
}

/** Validators as stored: absent rather than undefined. */
function definedOnly(v: ConditionalHeaders): { etag?: string; lastModified?: string } {
  return { ...(v.etag ? { etag: v.etag } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}) };
}
