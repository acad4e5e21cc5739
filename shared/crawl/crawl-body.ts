import type { Body } from '../domain/body.ts';
import { errorClass, FetchError, messageOf } from '../errors.ts';
import type { ParseMessage, Queue } from '../queue/queue.ts';
import { finishCheck, putWalk, readCrawlStart } from '../store/crawl-state.ts';
import type { BodyState, CheckEntry, LinkItem } from '../store/records.ts';
import type { Repository } from '../store/repository.ts';
import { sha1Hex } from '../store/repository.ts';
import { keys } from '../store/table.ts';
import type { CrawlBudget } from './budget.ts';
import { type ArchivedDetail, archiveLoaded, type DetailDeps, definedOnly } from './detail-page.ts';
import { walkListing } from './listing-walk.ts';
import { loadPage } from './load-page.ts';
import { type RemovedReport, recheckReports } from './recheck.ts';
import { afterLinkFailure, dueLinks } from './walk-plan.ts';
import { WriteBehind } from './write-behind.ts';

export interface CrawlDeps extends DetailDeps {
  repo: Repository;
  parseQueue: Queue<ParseMessage>;
  maxListingPages: number;
  /** A known report page is fetched again (conditionally) at most this often. */
  recheckMs: number;
  /** The earliest report year the sweep judges for this body: pagination need not go past it. */
  oldestYearInQuestion: number | null;
  /** When to stop starting fetches (budget.ts); the rest goes to the body's next crawl message. */
  budget: CrawlBudget;
}

export interface CrawlOutcome {
  bodyId: string;
  /** `partial`: the listing was read, but not to its end (see `unread`); no year can be called missing. */
  status: 'ok' | 'unchanged' | 'partial' | 'failed';
  reportLinks: number;
  newReports: number;
  /** Known report pages re-fetched for edits, and how many had changed. */
  rechecked: number;
  revised: number;
  /** Known report pages taken down (each reported once). */
  removed: RemovedReport[];
  /** Candidate links that failed this time (recorded against the link, retried later). */
  failedLinks: Array<{ url: string; error: string }>;
  archived: number;
  rendered: boolean;
  listingPages: number;
  unread: string[];
  error?: { class: string; message: string };
  /**
   * Set when the time budget ran out with listing pages, candidate links or re-checks left: the walk and
   * the links are saved, the check is recorded as partial, and the crawl stage sends the body's crawl
   * message again so the next invocation resumes.
   */
  continuation?: string;
}

/** A walk saved longer ago than this is stale: the listing is read from its first page again. */
const WALK_STALE_MS = 12 * 3_600_000;

/**
 * One body's crawl. The listing is walked (frames, pagination in its CMS forms) to its end or to years
 * older than the oldest in question, each page's snapshot archived when it changes; candidate links are
 * fetched, archived and queued for parsing, each failure recorded against its link; known report pages are
 * re-checked. Every check is logged (`CHECK#<time>`) with what was read: the proof behind any "missing".
 * A portal failure is recorded in the body's health and returned; a failure of our own side (store, queue,
 * browser launch) is thrown, so the message is retried and dead-lettered, and the portal is not blamed.
 */
export async function crawlBody(body: Body, deps: CrawlDeps): Promise<CrawlOutcome> {
  // The store writes of the walk run beside the fetches (write-behind.ts); a crawl that fails on our side
  // lets them end before it throws, the first write failure first (it came first).
  const writes = new WriteBehind();
  try {
    return await crawlWith(body, deps, writes);
  } catch (error) {
    await writes.settle();
    throw error;
  }
}

async function crawlWith(body: Body, deps: CrawlDeps, writes: WriteBehind): Promise<CrawlOutcome> {
  const now = deps.now();
  const at = now.toISOString();
  // The links, the state and the saved walk in one Query: the listing's first request waits for one call.
  const { state, walk: saved, links } = await readCrawlStart(deps.repo, body.id);
  const outcome: CrawlOutcome = {
    bodyId: body.id,
    status: 'ok',
    reportLinks: 0,
    newReports: 0,
    rechecked: 0,
    revised: 0,
    removed: [],
    failedLinks: [],
    archived: 0,
    rendered: false,
    listingPages: 0,
    unread: [],
  };
  const fresh = !saved || now.getTime() - Date.parse(saved.startedAt) > WALK_STALE_MS;
  const walked = await walkListing(
    body,
    deps,
    state,
    { resume: fresh ? null : saved, hadSaved: saved !== null },
    links,
    outcome,
    writes,
  );

  const updated: LinkItem[] = [];
  const messages: ParseMessage[] = [];
  const due = dueLinks(links.values(), now);
  const fetched = await fetchLinks(body, due, deps, writes);
  for (const [i, r] of fetched.entries()) {
    const link = due[i]!;
    if (!r) continue;
    if ('done' in r) {
      outcome.archived += r.done.written;
      outcome.newReports += 1;
      accept(r.done, updated, messages, links);
    } else {
      const failed = afterLinkFailure(link, { ...failureOf(r.error) }, now);
      outcome.failedLinks.push({ url: link.url, error: messageOf(r.error) });
      updated.push(failed);
      links.set(failed.url, failed);
    }
  }
  // A write of the walk failed (our side): thrown now, before any re-check is fetched.
  if (writes.failed) await writes.settle();
  const recheck = await recheckReports(body, links.values(), { ...deps, recheckMs: deps.recheckMs });
  // Cut short by the budget: the stage sends the body's message again (not after a portal failure, which
  // the next tick retries).
  const continuation = walked.error ? undefined : deps.budget.exhaustedReason;
  outcome.rechecked = recheck.checked;
  outcome.revised = recheck.revised.length;
  outcome.removed = recheck.removed;
  for (const done of recheck.revised) {
    outcome.archived += done.written;
    accept(done, [], messages, links);
  }
  for (const l of recheck.updated) links.set(l.url, l);
  updated.push(...recheck.updated);
  // The walk's writes (snapshots, new links, the saved walk) before the links' new states: a link is never
  // stored `new` over `queued`.
  await writes.settle();

  const walkSummary = walked.summary(links.values());
  // A crawl cut short by its budget proves nothing about what it did not read: it says so in the check.
  const summary = continuation
    ? { ...walkSummary, complete: false, reachedEnd: false, unread: [...walkSummary.unread, continuation] }
    : walkSummary;
  outcome.unread = summary.unread;
  if (continuation) {
    outcome.status = 'partial';
    outcome.continuation = continuation;
  }
  if (outcome.status === 'ok' && !summary.complete) outcome.status = 'partial';
  const entry: CheckEntry = {
    ...summary,
    bodyId: body.id,
    outcome: walked.error
      ? 'failed'
      : outcome.status === 'unchanged'
        ? 'not-modified'
        : summary.complete
          ? 'read'
          : 'partial',
    // In URL order: a listing read and a 304 (links from the store) give the same list for the same links, so
    // an unchanged check keeps it by reference to the entry holding it (docs/evidence.md).
    candidates: [...links.values()]
      .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0))
      .map((l) => ({
        url: l.url,
        title: l.title,
        year: l.year,
        state: l.state,
        ...(l.lastStatus !== undefined ? { status: l.lastStatus } : {}),
        ...(l.lastError && l.state !== 'parsed' && l.state !== 'queued' ? { error: l.lastError } : {}),
      })),
    ...(walked.error ? { error: walked.error.message } : {}),
  };
  const failing = [...links.values()].filter((l) => l.state === 'failed' || l.state === 'dead').length;
  const pendingWork = [...links.values()].some((l) => l.state === 'new' || l.state === 'queued');
  const nextState: BodyState = walked.error
    ? {
        ...state,
        lastCheckedAt: at,
        lastErrorClass: errorClass(walked.error),
        lastError: messageOf(walked.error),
        consecutiveFailures: state.consecutiveFailures + 1,
        failingSince: state.failingSince ?? at,
        failingLinks: failing,
        pendingWork,
        lastCheck: summary,
      }
    : {
        ...healthy(state),
        ...definedOnly(walked.validators),
        lastCheckedAt: at,
        lastSuccessAt: at,
        consecutiveFailures: 0,
        failingLinks: failing,
        pendingWork,
        lastCheck: summary,
      };
  // A continued crawl keeps its walk open (saved as it stands, queue empty when only links are left), so
  // the next invocation resumes it instead of reading the listing again; a finished or failed one is closed.
  if (continuation && !walked.paused) await putWalk(deps.repo, walked.walk);
  // The links' new states in the check's own BatchWriteItem (one call, links first). Links before their
  // parse messages: a parse never finds its link in an older state, and a crash in between leaves the link
  // `queued`, which the next crawl sends again.
  const linkItems = dedupeByUrl([...walked.unstored, ...updated]).map((l) => ({
    ...keys.link(l.bodyId, sha1Hex(l.url)),
    ...l,
  }));
  await finishCheck(deps.repo, entry, nextState, walked.walkSaved && !continuation, linkItems);
  const sent = new Set(messages.map((m) => m.rawKey));
  for (const l of links.values()) {
    if (l.state === 'queued' && l.rawKey && !sent.has(l.rawKey)) messages.push(parseMessageOf(body, l));
  }
  for (const m of messages) await deps.parseQueue.send(m, { dedupId: m.rawKey });
  if (walked.error) {
    return {
      ...outcome,
      status: 'failed',
      error: { class: errorClass(walked.error), message: messageOf(walked.error) },
    };
  }
  return outcome;
}

/**
 * Links of one body fetched one after another (the host gate sends them with its delay, politeness.ts), each
 * page archived (with its attachments) beside the next pages' fetches, up to `ARCHIVING_AT_ONCE` pages at
 * a time: the host's next request waits for the host delay, not for S3. The budget is asked before each
 * fetch. Results in the order of `due` (undefined: not started, the budget was spent). A portal failure is
 * that link's result; any other error (ours, or a failed write of the walk) stops new fetches, lets the
 * started archives finish, and is thrown.
 */
async function fetchLinks(
  body: Body,
  due: LinkItem[],
  deps: CrawlDeps,
  writes: WriteBehind,
): Promise<Array<{ done: ArchivedDetail } | { error: FetchError } | undefined>> {
  const results: Array<{ done: ArchivedDetail } | { error: FetchError } | undefined> = [];
  const archiving = new Set<Promise<void>>();
  let ours: { error: unknown } | undefined;
  for (let i = 0; i < due.length; i += 1) {
    while (archiving.size >= ARCHIVING_AT_ONCE) await Promise.race(archiving);
    if (ours || writes.failed) break;
    if (!deps.budget.mayStart()) {
      deps.budget.skip('links', due.length - i);
      break;
    }
    const link = due[i]!;
    let page: Awaited<ReturnType<typeof loadPage>>;
    try {
      page = await loadPage(link.url, body, deps);
      if (page === 'not-modified')
        throw new FetchError(`unexpected 304 from ${link.url}`, link.url, 'http-4xx', 304);
    } catch (error) {
      if (!(error instanceof FetchError)) {
        ours ??= { error };
        break;
      }
      results[i] = { error };
      continue;
    }
    const job: Promise<void> = archiveLoaded(body, link, page, deps)
      .then(
        (done) => {
          results[i] = { done };
        },
        (error: unknown) => {
          if (error instanceof FetchError) results[i] = { error };
          else ours ??= { error };
        },
      )
      .finally(() => archiving.delete(job));
    archiving.add(job);
  }
  await Promise.all(archiving);
  if (ours) throw ours.error;
  return results;
}

/**
 * Report pages of one body archived at once, behind the fetches: each is held in memory until archived
 * (20 MB at most, fetcher.ts), so this bounds a body's memory.
 */
const ARCHIVING_AT_ONCE = 3;

function accept(
  done: ArchivedDetail,
  updated: LinkItem[],
  messages: ParseMessage[],
  links: Map<string, LinkItem>,
) {
  updated.push(done.link);
  messages.push(done.message);
  links.set(done.link.url, done.link);
}

function parseMessageOf(body: Body, l: LinkItem): ParseMessage {
  return {
    type: 'parse',
    bodyId: body.id,
    rawKey: l.rawKey ?? '',
    reparse: false,
    attachmentKeys: l.attachmentKeys ?? [],
    linkUrl: l.url,
  };
}

function failureOf(error: FetchError) {
  return { status: error.status, errorClass: error.errorClass, message: messageOf(error) };
}

function dedupeByUrl(items: LinkItem[]): LinkItem[] {
  return [...new Map(items.map((l) => [l.url, l])).values()];
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
