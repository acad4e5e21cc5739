import type { Body } from '../domain/body.ts';
import { FetchError } from '../errors.ts';
import { sha256Hex } from '../store/archive.ts';
import type { LinkItem } from '../store/records.ts';
import type { CrawlBudget } from './budget.ts';
import { decodeBody } from './decode.ts';
import { type ArchivedDetail, archiveLoaded, type DetailDeps, definedOnly } from './detail-page.ts';
import { loadPage, type Page, validatorsOf } from './load-page.ts';
import { visibleText, visibleTextHash } from './page-text.ts';
import { yearsNamedInText } from './report-title.ts';
import { recheckDue } from './walk-plan.ts';

/** A known report page that was taken down. */
export interface RemovedReport {
  url: string;
  title: string;
  year: number | null;
  /** HTTP status of the answer that showed it gone (200 for a 页面不存在 page or a redirect home). */
  status: number;
  how: 'http-gone' | 'removed-notice' | 'redirect-home';
  /** sha256 of the last archived copy (the evidence that it was published). */
  lastHash?: string;
  rawKey?: string;
  firstSeen: string;
}

export interface RecheckOutcome {
  checked: number;
  revised: ArchivedDetail[];
  removed: RemovedReport[];
  updated: LinkItem[];
}

/**
 * Many portals do not answer 404 for a removed page: they answer 200 with one of these notices (in full
 * site chrome), or redirect to the home page (docs/domain.md, Removed pages).
 */
const REMOVED_NOTICE =
  /页面不存在|页面已删除|该信息已删除|信息已删除|信息已撤回|该信息已撤回|已被删除|文章不存在|信息不存在|内容不存在|您访问的页面不存在|找不到(?:该)?页面|页面未找到|404\s*Not\s*Found/i;
/** A removed-page notice is short; a real report that quotes such words is long. */
const NOTICE_MAX_CHARS = 1500;

/**
 * How a re-fetched page shows that the report is gone, or null when it is still there. A redirect counts
 * only when it lands on the bare home page (no query: `index.php?m=content&…&siteid=1` is the same article)
 * and the page no longer names the report; an http → https move is not a removal.
 */
export function goneSign(url: string, page: Page, year: number | null): RemovedReport['how'] | null {
  const text = visibleText(page.html);
  const stillThere = year !== null && yearsNamedInText(text).includes(year);
  const final = new URL(page.fetch.finalUrl);
  const asked = new URL(url);
  const moved =
    final.host !== asked.host || final.pathname !== asked.pathname || final.search !== asked.search;
  if (
    moved &&
    !stillThere &&
    final.search === '' &&
    /^\/(?:index\.(?:s?html?|jsp|aspx?|php))?$/i.test(final.pathname)
  )
    return 'redirect-home';
  if (!stillThere && text.length <= NOTICE_MAX_CHARS && REMOVED_NOTICE.test(text)) return 'removed-notice';
  return null;
}

/**
 * Pages change after publication (docs/domain.md): each known report page is re-fetched, conditionally, on
 * its day of its period (walk-plan.ts recheckDue: by the report's age and the season, spread by URL); new content is archived and parsed (the parse stage records a revision). A page
 * that is gone (404/410, a removed-notice page, a redirect home) is returned as removed once; its archived
 * copies stay. Any other failure is left for the next interval: a re-check never fails the body.
 */
export async function recheckReports(
  body: Body,
  links: Iterable<LinkItem>,
  deps: DetailDeps & { recheckMs: number; budget?: CrawlBudget },
): Promise<RecheckOutcome> {
  const out: RecheckOutcome = { checked: 0, revised: [], removed: [], updated: [] };
  const now = deps.now();
  for (const link of links) {
    if (!isKnownReport(link) || !recheckDue(link, now, deps.recheckMs)) continue;
    if (deps.budget && !deps.budget.mayStart()) {
      deps.budget.skip('rechecks');
      continue;
    }
    out.checked += 1;
    await recheckOne(body, link, now, deps, out);
  }
  return out;
}

function isKnownReport(link: LinkItem): boolean {
  return (link.state === 'parsed' && (link.parseResult ?? 'report') === 'report') || link.state === 'removed';
}

async function recheckOne(
  body: Body,
  link: LinkItem,
  now: Date,
  deps: DetailDeps,
  out: RecheckOutcome,
): Promise<void> {
  const at = now.toISOString();
  let page: Page | 'not-modified';
  try {
    page = await loadPage(link.url, body, deps, { etag: link.etag, lastModified: link.lastModified });
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    if (error.status === 404 || error.status === 410) return gone(link, error.status, 'http-gone', at, out);
    out.updated.push({ ...link, lastCheckedAt: at });
    return;
  }
  if (page === 'not-modified') {
    out.updated.push({ ...back(link), lastCheckedAt: at });
    return;
  }
  const how = goneSign(link.url, page, link.year);
  if (how) return gone(link, page.fetch.status, how, at, out);
  const compared = await compareContent(link, page, deps);
  if (compared.changed) {
    const archived = await archiveLoaded(body, { ...back(link), state: 'new' }, page, deps);
    const revised = { ...archived.link, ...textHashOf(compared) };
    out.revised.push({ ...archived, link: revised });
    out.updated.push(revised);
    return;
  }
  const { etag: _e, lastModified: _l, ...rest } = back(link);
  out.updated.push({
    ...rest,
    lastCheckedAt: at,
    ...textHashOf(compared),
    ...definedOnly(validatorsOf(page)),
  });
}

interface Compared {
  changed: boolean;
  /** The page's comparable-text hash, when it was computed. */
  textHash?: string;
}

const textHashOf = (c: Compared) => (c.textHash ? { lastTextHash: c.textHash } : {});

/**
 * Whether a re-fetched page differs from its last archived copy. Same bytes: unchanged. A file (PDF, Office)
 * is its bytes. A page, plain-HTTP or rendered alike, is compared by its visible text with counters and
 * today's date masked (page-text.ts): tokens, nonces and visit counters make no revision. When the link has
 * no text hash yet (archived before text comparison) or one from an older rule, the archived copy's text
 * decides (one archive read, only when the bytes differ), and the hash is kept for next time.
 */
async function compareContent(link: LinkItem, page: Page, deps: DetailDeps): Promise<Compared> {
  if (link.lastHash && sha256Hex(page.bytes) === link.lastHash) return { changed: false };
  const markup = page.rendered || (link.rawKey ? link.rawKey.endsWith('.html') : isHtml(page));
  if (!markup) return { changed: true };
  const textHash = visibleTextHash(page.html);
  if (textHash === link.lastTextHash) return { changed: false, textHash };
  if (!link.rawKey) return { changed: true, textHash };
  // An archived copy that cannot be read (gone, or in an archive tier) decides nothing: the page is archived
  // again, which fails as ours if the archive itself is down.
  const archived = await deps.archive.get(link.rawKey).catch(() => null);
  if (!archived) return { changed: true, textHash };
  const before = visibleTextHash(decodeBody(archived.bytes, archived.meta.contentType).text);
  return { changed: before !== textHash, textHash };
}

const isHtml = (page: Page) => /html|xml/i.test(page.fetch.contentType ?? '');

/** Answered again: no longer gone. */
function back(link: LinkItem): LinkItem {
  const { goneSince: _g, goneStatus: _s, goneHow: _h, ...present } = link;
  return { ...present, state: link.state === 'removed' ? 'parsed' : link.state };
}

function gone(
  link: LinkItem,
  status: number,
  how: RemovedReport['how'],
  at: string,
  out: RecheckOutcome,
): void {
  if (!link.goneSince) {
    out.removed.push({
      url: link.url,
      title: link.title,
      year: link.year,
      status,
      how,
      firstSeen: link.firstSeen,
      ...(link.lastHash ? { lastHash: link.lastHash } : {}),
      ...(link.rawKey ? { rawKey: link.rawKey } : {}),
    });
  }
  out.updated.push({
    ...link,
    state: 'removed',
    lastCheckedAt: at,
    goneSince: link.goneSince ?? at,
    goneStatus: status,
    goneHow: how,
  });
}
