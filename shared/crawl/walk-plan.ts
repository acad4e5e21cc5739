import { createHash } from 'node:crypto';
import type { CheckPage, CheckSummary, LinkItem, WalkState } from '../store/records.ts';

/**
 * The walk of a listing as a pure planner: given what was read so far and each candidate link's state, it
 * decides which listing page to read next, which links to fetch, and whether the walk proves absence.
 * Fetching, archiving and queueing sit at its edge (crawl-body.ts); the listing layouts become planner
 * inputs that unit tests cover without a server.
 */

export interface WalkLimits {
  /** Listing pages (pagination and frames) one walk may read; past it the walk is incomplete. */
  maxListingPages: number;
  /**
   * The oldest report year in question (the earliest due year the sweep judges). Listings run newest first,
   * so once a page names an older year, further pagination cannot hold a year in question.
   */
  oldestYearInQuestion: number | null;
  /**
   * Read every page to the end whatever the years (the first walk of a body, so its whole history is
   * archived); later walks stop early once past the oldest year and a page brings no new candidate.
   */
  fullWalk: boolean;
}

/** What one listing page yielded, as the planner needs it. */
export interface PageYield {
  /** Same-site frames to read as part of this listing. */
  frames: readonly string[];
  /** Other pages of this listing (pagination). */
  pages: readonly string[];
  /** What could not be resolved (script pagination, cross-site frames…). */
  unread: readonly string[];
  /** Years named by report candidates on the page. */
  years: readonly number[];
  /** Candidates on this page not seen before. */
  newCandidates: number;
}

export function newWalk(bodyId: string, listingUrl: string, at: string): WalkState {
  return { bodyId, startedAt: at, queue: [listingUrl], read: [], unread: [], pastOldest: false, done: false };
}

/** The next listing page to read, or undefined when the walk has nothing left. */
export function nextListingPage(walk: WalkState): string | undefined {
  return walk.queue[0];
}

/**
 * Records a listing page read: frames are always followed (they are part of the page); pagination to the
 * listing's end, except that a later walk stops once a page shows a year older than the oldest in question
 * and brings no new candidate (`pastOldest`: the walk proves absence only for years after that); never
 * past `maxListingPages`.
 */
export function recordListingPage(
  walk: WalkState,
  page: CheckPage,
  found: PageYield,
  limits: WalkLimits,
): WalkState {
  const read = [...walk.read.filter((p) => p.url !== page.url), page];
  const known = new Set([...read.map((p) => p.url), ...walk.queue]);
  const oldest = limits.oldestYearInQuestion;
  const older = oldest !== null && found.years.some((y) => y < oldest);
  // Stopping early assumes a listing sorted newest first: only when every page read so far shows it.
  const stop = !limits.fullWalk && older && found.newCandidates === 0 && newestFirst([...walk.read, page]);
  const pastOldest = walk.pastOldest || (stop && found.pages.some((p) => !known.has(p)));
  const queue = walk.queue.filter((u) => u !== page.url);
  const unread = [...walk.unread, ...found.unread.map((u) => `${page.url}: ${u}`)];
  const add = (url: string) => {
    if (known.has(url)) return;
    known.add(url);
    if (read.length + queue.length >= limits.maxListingPages) {
      unread.push(`more than ${limits.maxListingPages} listing pages: ${url} not read`);
      return;
    }
    queue.push(url);
  };
  // Frames first: they hold this page's own links.
  for (const f of found.frames) add(f);
  if (!stop) for (const p of found.pages) add(p);
  return { ...walk, read, queue, unread: dedupe(unread), pastOldest };
}

/**
 * True when the pages read, in order, list years newest first (within each page and from page to page).
 * A listing sorted oldest first (seen on real portals) holds its newest reports on its last page.
 */
export function newestFirst(pages: readonly CheckPage[]): boolean {
  let floor = Number.POSITIVE_INFINITY;
  for (const p of pages) {
    for (const y of p.years) {
      if (y > floor) return false;
      floor = y;
    }
  }
  return true;
}

/**
 * The first page answered 304. When the last full walk read that page alone, its proof stands (see
 * inheritSummary); when it also read frames or further pages, those may have changed behind an unchanged
 * first page (a frame shell never changes), so they are read again.
 */
export function afterNotModified(walk: WalkState, page: CheckPage, previous: CheckSummary): WalkState {
  const first = previous.pages[0];
  const read = [
    { ...page, years: first?.years ?? [], ...(first?.namedYears ? { namedYears: first.namedYears } : {}) },
  ];
  const queue = [...new Set(previous.pages.slice(1).map((p) => p.url))].filter((u) => u !== page.url);
  return { ...walk, read, queue };
}

/** A listing page that could not be read stays at the head of the queue: the next crawl resumes there. */
export function recordListingFailure(walk: WalkState, url: string, error: string): WalkState {
  return { ...walk, unread: dedupe([...walk.unread, `${url}: ${error}`]) };
}

const UNSETTLED = new Set(['new', 'failed', 'dead', 'queued']);

/** True while a candidate cannot yet tell whether its year's report exists (see LinkState). */
export function isUnsettled(link: LinkItem): boolean {
  if (link.state === 'parsed') return link.parseResult === 'not-a-report';
  return UNSETTLED.has(link.state);
}

/**
 * What a finished (or interrupted) walk proves. `complete` only when nothing is queued and nothing was
 * left unread; `unsettledYears` are years whose candidate link failed or is not parsed yet.
 */
export function summariseWalk(walk: WalkState, links: Iterable<LinkItem>, at: string): CheckSummary {
  const years = walk.read.flatMap((p) => p.years);
  const unsettledYears = new Set<number>();
  let unsettledUnknown = 0;
  for (const l of links) {
    if (!isUnsettled(l)) continue;
    if (l.year === null) unsettledUnknown += 1;
    else unsettledYears.add(l.year);
  }
  const unread = [...walk.unread, ...walk.queue.map((u) => `${u}: not read yet`)];
  const complete = walk.queue.length === 0 && walk.unread.length === 0;
  return {
    at,
    complete,
    reachedEnd: complete && !walk.pastOldest,
    oldestYear: years.length ? Math.min(...years) : null,
    newestYear: years.length ? Math.max(...years) : null,
    unread: dedupe(unread),
    unsettledYears: [...unsettledYears].sort((a, b) => a - b),
    unsettledUnknown,
    pages: walk.read,
  };
}

/**
 * A not-modified listing proves what the last full walk proved, as of now; the links' states are fresh.
 */
export function inheritSummary(
  previous: CheckSummary,
  page: CheckPage,
  links: Iterable<LinkItem>,
  at: string,
): CheckSummary {
  const fresh = summariseWalk(
    {
      bodyId: '',
      startedAt: at,
      queue: [],
      read: previous.pages,
      unread: [],
      pastOldest: false,
      done: true,
    },
    links,
    at,
  );
  return {
    ...previous,
    at,
    unsettledYears: fresh.unsettledYears,
    unsettledUnknown: fresh.unsettledUnknown,
    pages: [page, ...previous.pages.filter((p) => p.url !== page.url)],
    inheritedFrom: previous.inheritedFrom ?? previous.at,
  };
}

/** Candidate links to fetch now: new ones, and failed or dead ones whose backoff has passed. */
export function dueLinks(links: Iterable<LinkItem>, now: Date): LinkItem[] {
  const out: LinkItem[] = [];
  for (const l of links) {
    if (l.state === 'new') out.push(l);
    else if ((l.state === 'failed' || l.state === 'dead') && isPast(l.nextAttemptAt, now)) out.push(l);
    // A page that did not read as a report because an attachment failed, or the parser failed, is fetched
    // again after the backoff: the attachment may answer next time.
    else if (l.state === 'parsed' && retryParsed(l) && isPast(l.nextAttemptAt, now)) out.push(l);
  }
  return out;
}

function retryParsed(l: LinkItem): boolean {
  return (
    l.parseResult === 'failed' || (l.parseResult === 'not-a-report' && (l.attachmentErrors?.length ?? 0) > 0)
  );
}

const HOUR = 3_600_000;

/**
 * Backoff between attempts at a failing link: 6 h, 12 h, 24 h … capped at 7 days (portals fix links, and
 * a dead link must not be hammered daily). `attempts` counts failures in a row, from 1.
 */
export function backoffMs(attempts: number): number {
  return Math.min(7 * 24 * HOUR, 6 * HOUR * 2 ** Math.max(0, attempts - 1));
}

/** A candidate link that failed: recorded against the link, never the body; retried after the backoff. */
export function afterLinkFailure(
  link: LinkItem,
  failure: { status: number | null; errorClass: string; message: string },
  now: Date,
): LinkItem {
  const attempts = link.attempts + 1;
  const dead = failure.status === 404 || failure.status === 410;
  return {
    ...link,
    state: dead ? 'dead' : 'failed',
    attempts,
    lastStatus: failure.status,
    lastError: failure.message,
    lastErrorClass: failure.errorClass,
    nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)).toISOString(),
  };
}

function isPast(at: string | undefined, now: Date): boolean {
  return at === undefined || Date.parse(at) <= now.getTime();
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

const DAY = 24 * HOUR;
const BEIJING = 8 * HOUR;

/**
 * Days between re-checks of a known report page (edits after publication, docs/domain.md), by the report's
 * age and the season (Beijing months 1–4, as the crawl schedule): a recent report (this season's or last
 * year's: `year ≥ current year − 2`, or no year) every `baseDays` in season and 4 × `baseDays` out of it;
 * an older one 4 × and 13 × `baseDays` (7 d → weekly / 28 d, 28 d / 91 d). `baseDays` is
 * NIANBAO_REPORT_RECHECK_DAYS.
 */
export function recheckPeriodDays(year: number | null, now: Date, baseDays: number): number {
  const local = new Date(now.getTime() + BEIJING);
  const inSeason = local.getUTCMonth() + 1 <= 4;
  const recent = year === null || year >= local.getUTCFullYear() - 2;
  return baseDays * (recent ? (inSeason ? 1 : 4) : inSeason ? 4 : 13);
}

/**
 * True when a known report page is due for its re-check at `now`. Each link has its own day in every period
 * (sha1 of its URL modulo the period, in Beijing days), so the pages of a registry first crawled on one day
 * are re-checked spread over the period instead of all on one day; a link is due once the latest of its days
 * up to today is after its last check (or first sighting), so a crawl that missed the day catches up at the
 * next one. `recheckMs` 0 re-checks at every crawl; a period under a day falls back to "elapsed ≥ period".
 */
export function recheckDue(
  link: Pick<LinkItem, 'url' | 'year' | 'lastCheckedAt' | 'firstSeen'>,
  now: Date,
  recheckMs: number,
): boolean {
  const last = Date.parse(link.lastCheckedAt ?? link.firstSeen);
  const periodMs = recheckPeriodDays(link.year, now, recheckMs / DAY) * DAY;
  if (periodMs < DAY) return now.getTime() - last >= periodMs;
  const period = Math.round(periodMs / DAY);
  const today = beijingDay(now.getTime());
  const latestSlot = today - mod(today - slotOf(link.url, period), period);
  return latestSlot > beijingDay(last);
}

/** The link's day in a period of `period` days: a stable hash of its URL, uniform over the period. */
export function slotOf(url: string, period: number): number {
  return createHash('sha1').update(url).digest().readUInt32BE(0) % period;
}

const beijingDay = (ms: number) => Math.floor((ms + BEIJING) / DAY);
const mod = (a: number, n: number) => ((a % n) + n) % n;
