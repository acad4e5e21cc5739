import type { Body } from '../domain/body.ts';
import { FetchError, messageOf } from '../errors.ts';
import { RawArchive, sha256Hex } from '../store/archive.ts';
import { putWalk } from '../store/crawl-state.ts';
import { putLinks } from '../store/link-batch.ts';
import type { BodyState, CheckPage, CheckSummary, LinkItem, WalkState } from '../store/records.ts';
import type { CrawlDeps, CrawlOutcome } from './crawl-body.ts';
import { classifyLink, titleYear } from './discover.ts';
import type { ConditionalHeaders } from './fetcher.ts';
import { readListingPage } from './listing-page.ts';
import { validatorsOf } from './load-page.ts';
import { visibleText } from './page-text.ts';
import { yearsNamedInText } from './report-title.ts';
import {
  afterNotModified,
  inheritSummary,
  newWalk,
  nextListingPage,
  recordListingFailure,
  recordListingPage,
  summariseWalk,
} from './walk-plan.ts';
import type { WriteBehind } from './write-behind.ts';

export interface Walked {
  validators: ConditionalHeaders;
  /**
   * Candidates found by this walk and not stored yet (no walk was saved after them): the caller stores them
   * with the links' new states, in its one write (a crash before it leaves no saved walk, so the next crawl
   * reads the listing again and finds them).
   */
  unstored: LinkItem[];
  walkSaved: boolean;
  /** The time budget ran out with listing pages left: the saved walk stays open for the next invocation. */
  paused?: boolean;
  /** Where the walk stands (saved again when the crawl is continued with links left). */
  walk: WalkState;
  /** The listing's first page could not be read: the portal's failure. */
  error?: FetchError;
  summary(links: Iterable<LinkItem>): CheckSummary;
}

/**
 * Reads the listing page by page as the planner says, adding each page's new candidates to `links`. Each
 * page's snapshot is queued on `writes`; when pages are left, the candidates found so far and then the walk
 * are queued after it, so a saved walk never points past candidates not stored and a crash between pages
 * loses none. The next page is fetched meanwhile (the caller settles `writes` before recording the check);
 * candidates of a walk that saved nothing after them come back in `unstored`. A not-modified first page
 * inherits the last full walk's proof. A later page that fails ends this walk where it stands; it is saved
 * and the next crawl resumes there.
 */
export async function walkListing(
  body: Body,
  deps: CrawlDeps,
  state: BodyState,
  saved: { resume: WalkState | null; hadSaved: boolean },
  links: Map<string, LinkItem>,
  outcome: CrawlOutcome,
  writes: WriteBehind,
): Promise<Walked> {
  const at = deps.now().toISOString();
  const limits = {
    maxListingPages: deps.maxListingPages,
    oldestYearInQuestion: deps.oldestYearInQuestion,
    fullWalk: !state.lastCheck?.complete,
  };
  const { resume } = saved;
  let walk = resume ?? newWalk(body.id, body.listingUrl, at);
  let walkSaved = saved.hadSaved;
  let validators: ConditionalHeaders = {};
  let unstored: LinkItem[] = [];
  // A saved walk points past the candidates of the pages it has read: they are stored before it.
  const saveWalk = (w: WalkState) => {
    const links = unstored;
    unstored = [];
    if (links.length > 0) writes.queue(() => putLinks(deps.repo, links));
    writes.queue(() => putWalk(deps.repo, w));
  };
  // Snapshots an earlier check recorded are archived already (a check is recorded after its snapshots).
  const archived = new Set(
    [...(state.lastCheck?.pages ?? []), ...(resume?.read ?? [])].flatMap((p) => (p.sha256 ? [p.sha256] : [])),
  );
  // Only a complete last walk may be skipped on a 304: an incomplete one must be read again in full.
  const conditional =
    !resume && state.lastCheck?.complete ? { etag: state.etag, lastModified: state.lastModified } : {};
  for (let url = nextListingPage(walk); url; url = nextListingPage(walk)) {
    if (!deps.budget.mayStart()) {
      deps.budget.skip('listingPages', walk.queue.length);
      // The queue is saved after every page that leaves one (below); a resumed walk whose first page
      // this invocation was refused still has its saved item.
      if (!walkSaved) saveWalk(walk);
      return {
        validators,
        unstored,
        walkSaved: true,
        paused: true,
        walk,
        summary: (l) => summariseWalk(walk, l, at),
      };
    }
    const first = walk.read.length === 0 && !resume;
    let loaded: Awaited<ReturnType<typeof readListingPage>>;
    try {
      loaded = await readListingPage(url, body, deps, first ? conditional : {});
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      if (walk.read.length === 0)
        return {
          validators,
          unstored,
          walkSaved,
          walk,
          error,
          summary: (l) => summariseWalk(recordListingFailure(walk, url, messageOf(error)), l, at),
        };
      walk = recordListingFailure(walk, url, messageOf(error));
      saveWalk(walk);
      return { validators, unstored, walkSaved: true, walk, summary: (l) => summariseWalk(walk, l, at) };
    }
    outcome.listingPages += 1;
    if (loaded === 'not-modified') {
      outcome.status = 'unchanged';
      const page: CheckPage = { url, at, status: 304, rendered: false, years: [] };
      const previous = state.lastCheck;
      const validators304 = { etag: state.etag, lastModified: state.lastModified };
      if (!previous || previous.pages.length <= 1) {
        return {
          validators: validators304,
          unstored,
          walkSaved,
          walk,
          summary: (l) =>
            previous
              ? inheritSummary(previous, page, l, at)
              : summariseWalk({ ...walk, read: [page], queue: [] }, l, at),
        };
      }
      // Frames and further pages may change behind an unchanged first page: read them again.
      validators = validators304;
      walk = afterNotModified(walk, page, previous);
      continue;
    }
    const { page, read } = loaded;
    outcome.rendered ||= page.rendered;
    if (first) validators = validatorsOf(page);
    // The snapshot's key is its content's hash: known now, archived behind the next fetch. Bytes an earlier
    // check archived are not written again; others are most likely new: one conditional PUT, no HEAD first.
    const sha256 = sha256Hex(page.bytes);
    const snapshot = { sha256, key: RawArchive.keyFor(body.id, sha256, 'html') };
    if (!archived.has(sha256)) {
      archived.add(sha256);
      writes.queue(async () => {
        const put = await deps.archive.put(
          page.bytes,
          'html',
          {
            bodyId: body.id,
            kind: 'listing',
            url: page.fetch.url,
            finalUrl: page.fetch.finalUrl,
            fetchedFrom: page.fetch.fetchedFrom,
            fetchedAt: page.fetch.fetchedAt,
            status: page.fetch.status,
            headers: page.fetch.headers,
            contentType: page.fetch.contentType,
            charset: page.fetch.charset,
            peer: page.fetch.peer,
          },
          { probe: false },
        );
        if (put.created) outcome.archived += 1;
      });
    }
    const years = new Set<number>();
    const added: LinkItem[] = [];
    const classified: string[] = [];
    for (const link of read.links) {
      const kind = classifyLink(link);
      if (kind !== 'other') classified.push(link.title);
      if (kind !== 'report') continue;
      outcome.reportLinks += 1;
      const year = titleYear(link.title);
      if (year !== null) years.add(year);
      if (links.has(link.url)) continue;
      const item: LinkItem = {
        url: link.url,
        bodyId: body.id,
        title: link.title,
        firstSeen: at,
        year,
        state: 'new',
        listedOn: page.fetch.finalUrl,
        attempts: 0,
        isReport: true,
      };
      links.set(item.url, item);
      added.push(item);
    }
    const checkPage: CheckPage = {
      url,
      at: page.fetch.fetchedAt,
      status: page.fetch.status,
      sha256: snapshot.sha256,
      snapshotKey: snapshot.key,
      rendered: page.rendered,
      years: [...years],
      ...namedOnly(page.html, classified, years),
    };
    walk = recordListingPage(
      walk,
      checkPage,
      { ...read, years: checkPage.years, newCandidates: added.length },
      limits,
    );
    unstored.push(...added);
    if (walk.queue.length > 0) {
      saveWalk(walk);
      walkSaved = true;
    }
    // A write failed (our side): no further fetch; the crawl throws it when it settles the writes.
    if (writes.failed) break;
  }
  return { validators, unstored, walkSaved, walk, summary: (l) => summariseWalk(walk, l, at) };
}

/**
 * Years the page's text names in report wording that no recognised link carries (a title the classifier
 * missed, a title beside a generic 查看详情 link): kept on the page so the sweep never calls them missing.
 * The titles of links already classified (reports, and notices about reports) are taken out first.
 */
function namedOnly(html: string, classified: readonly string[], years: ReadonlySet<number>) {
  let text = visibleText(html);
  for (const t of classified) if (t) text = text.split(t).join(' ');
  const named = yearsNamedInText(text).filter((y) => !years.has(y));
  return named.length ? { namedYears: named } : {};
}
