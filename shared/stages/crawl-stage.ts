import { budgetFor, CrawlBudget } from '../crawl/budget.ts';
import { type CrawlOutcome, crawlBody } from '../crawl/crawl-body.ts';
import { titleYear } from '../crawl/discover.ts';
import type { RemovedReport } from '../crawl/recheck.ts';
import type { Body } from '../domain/body.ts';
import { dueYears } from '../domain/deadlines.ts';
import type { CrawlMessage } from '../queue/queue.ts';
import { RawArchive } from '../store/archive.ts';
import type { BodyState } from '../store/records.ts';
import { BrowserNeeded } from './browser-hand-off.ts';
import { requireBody, type StageContext } from './context.ts';
import { raiseAlert } from './raise-alert.ts';

const WEEK_MS = 7 * 86_400_000;
/** Listing pages (pagination and frames) one walk reads at most; past it, older years stay inconclusive. */
const MAX_LISTING_PAGES = 30;
/**
 * Continuations of one crawl at most: each invocation makes progress (budget.ts), and past this the
 * saved walk and pending links make the body due at the next tick anyway (schedule-stage.ts).
 */
export const MAX_CONTINUATIONS = 20;

export interface CrawlInvocation {
  /** Lambda: `context.getRemainingTimeInMillis()` when the record's handling starts. */
  remainingMs?: number;
  /**
   * The caller carries a crawl cut short by its budget on itself (a host walk, crawl-hosts.ts: it resumes the
   * body next, or hands it on with the rest of the host): no continuation message is sent, the outcome's
   * `continuation` says one is owed.
   */
  continueHere?: boolean;
}

/** A crawl's outcome; `handedOff`: the body went to the browser function, nothing was recorded here. */
export type CrawlStageOutcome = CrawlOutcome & { handedOff?: 'browser' };

/**
 * Crawls one body. A failing portal is recorded in the body's health, never thrown: the fetcher has
 * already retried. A body failing N cycles in a row is reported to the admins (not to subscribers),
 * once per failure streak: the streak ends with the next success.
 */
export async function handleCrawl(
  message: CrawlMessage,
  ctx: StageContext,
  invocation: CrawlInvocation = {},
): Promise<CrawlStageOutcome> {
  const body = requireBody(ctx, message.bodyId);
  // Without Chromium here (ctx.browserQueue: the plain-HTTP function), a body the registry marks for
  // the browser goes straight to the browser function; one whose page turns out to need it, when it does.
  if (ctx.browserQueue && body.render === 'browser') return handOff(body, message, ctx);
  try {
    return await crawlHere(body, message, ctx, invocation);
  } catch (error) {
    if (ctx.browserQueue && error instanceof BrowserNeeded) return handOff(body, message, ctx);
    throw error;
  }
}

/**
 * Sends the body's crawl message to the browser queue (the host's message group there), and returns an
 * outcome that records nothing: the browser function's crawl does (its walk starts again from what was
 * saved; what was archived here is content-addressed, so nothing is written twice).
 */
async function handOff(body: Body, message: CrawlMessage, ctx: StageContext): Promise<CrawlStageOutcome> {
  const queue = ctx.browserQueue;
  if (!queue) throw new Error('handOff without a browser queue');
  await queue.send(message, {
    groupId: new URL(body.listingUrl).origin,
    dedupId: `${body.id}#browser#${message.continuation ?? 0}@${ctx.now().toISOString()}`,
  });
  ctx.log('crawl handed to the browser function', { stage: 'crawl', bodyId: body.id });
  return { ...emptyOutcome(body.id), handedOff: 'browser' };
}

function emptyOutcome(bodyId: string): CrawlOutcome {
  return {
    bodyId,
    status: 'partial',
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
}

async function crawlHere(
  body: Body,
  message: CrawlMessage,
  ctx: StageContext,
  invocation: CrawlInvocation,
): Promise<CrawlOutcome> {
  const due = dueYears(body, ctx.today());
  const budgetMs = budgetFor(ctx.crawlBudgetMs, ctx.fetchWorstCaseMs, invocation.remainingMs);
  const outcome = await crawlBody(body, {
    budget: new CrawlBudget(ctx.now, ctx.now().getTime() + budgetMs),
    fetcher: ctx.fetcher,
    browser: ctx.browser,
    archive: ctx.archive,
    repo: ctx.repo,
    parseQueue: ctx.parseQueue,
    now: ctx.now,
    maxListingPages: MAX_LISTING_PAGES,
    recheckMs: ctx.reportRecheckMs ?? WEEK_MS,
    oldestYearInQuestion: due.length ? Math.min(...due) : null,
  });
  if (outcome.continuation && !invocation.continueHere)
    await continueCrawl(body, message, outcome.continuation, ctx);
  if (outcome.status === 'failed') await alertIfFailing(body, ctx);
  for (const removed of outcome.removed) await alertRemoved(body, removed, ctx);
  return outcome;
}

/**
 * A published report taken down is news to a watchdog: subscribers hear of it once, with the last
 * archived copy as evidence that it was published.
 */
async function alertRemoved(body: Body, r: RemovedReport, ctx: StageContext): Promise<void> {
  const year = r.year ?? titleYear(r.title) ?? Number(r.firstSeen.slice(0, 4));
  const rawKey = r.rawKey ?? (r.lastHash ? RawArchive.keyFor(body.id, r.lastHash, 'html') : undefined);
  const how = {
    'http-gone': { zh: `页面返回HTTP ${r.status}`, en: `the page answers HTTP ${r.status}` },
    'removed-notice': {
      zh: '页面显示“信息不存在/已删除”',
      en: 'the page now says the item does not exist or was deleted',
    },
    'redirect-home': { zh: '页面被重定向到网站首页', en: 'the page now redirects to the home page' },
  }[r.how];
  await raiseAlert(ctx, {
    alertId: `report.removed/${body.id}/${year}`,
    audience: 'subscribers',
    bodyId: body.id,
    year,
    reportUrl: r.url,
    ...(rawKey ? { rawKey } : {}),
    finding: {
      rule: 'report.removed',
      severity: 'warning',
      message: {
        zh: `已发布的年度报告页面被撤下(${how.zh}),存档副本仍在`,
        en: `A published report page was taken down (${how.en}); the archived copy remains`,
      },
      evidence: [
        { quote: r.title, where: 'title' },
        {
          quote: r.url,
          where: 'url',
          computation: `first seen ${r.firstSeen}; on ${ctx.now().toISOString()} ${how.en}`,
        },
      ],
    },
  });
}

/** Sends the body's crawl message again, so the next invocation resumes the saved walk and links. */
async function continueCrawl(body: Body, message: CrawlMessage, reason: string, ctx: StageContext) {
  const n = (message.continuation ?? 0) + 1;
  if (n > MAX_CONTINUATIONS) {
    ctx.log('crawl continuations exhausted: the next tick resumes', { stage: 'crawl', bodyId: body.id });
    return;
  }
  await ctx.crawlQueue.send(
    { type: 'crawl', bodyId: body.id, reason: `continuation: ${reason}`, continuation: n },
    // In the host's message group, after what is already queued for it; unique, so never deduplicated.
    {
      groupId: new URL(body.listingUrl).origin,
      dedupId: `${body.id}#continuation-${n}@${ctx.now().toISOString()}`,
    },
  );
}

async function alertIfFailing(body: Body, ctx: StageContext): Promise<void> {
  const state = await ctx.repo.getBodyState(body.id);
  if (state.consecutiveFailures < ctx.failuresBeforeAdminAlert || state.adminAlertedAt) return;
  const year = Number(ctx.today().slice(0, 4));
  // The streak's start makes the id unique per streak; the conditional put still dedups a replayed message.
  const alertId = `crawl.failing/${body.id}/${year}@${state.failingSince ?? state.lastCheckedAt ?? ''}`;
  const fresh = await ctx.repo.recordAlert({
    alertId,
    rule: 'crawl.failing',
    bodyId: body.id,
    year,
    audience: 'admins',
    createdAt: ctx.now().toISOString(),
    finding: failingFinding(body, state),
  });
  await ctx.repo.putBodyState({ ...state, adminAlertedAt: ctx.now().toISOString() });
  if (fresh) await ctx.alertQueue.send({ type: 'alert', alertId }, { dedupId: alertId });
}

function failingFinding(body: Body, state: BodyState) {
  const cls = state.lastErrorClass;
  return {
    rule: 'crawl.failing',
    severity: 'warning' as const,
    message: {
      zh: `门户连续${state.consecutiveFailures}次抓取失败(${cls ?? '未知'})`,
      en: `Portal failed ${state.consecutiveFailures} crawls in a row (${cls ?? 'unknown'})`,
    },
    evidence: [{ quote: state.lastError ?? '', where: body.listingUrl }],
  };
}
