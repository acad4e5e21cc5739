import { type CrawlOutcome, crawlBody } from '../crawl/crawl-body.ts';
import { titleYear } from '../crawl/discover.ts';
import type { RemovedReport } from '../crawl/report-pages.ts';
import type { Body } from '../domain/body.ts';
import type { CrawlMessage } from '../queue/queue.ts';
import { RawArchive } from '../store/archive.ts';
import type { BodyState } from '../store/records.ts';
import { requireBody, type StageContext } from './context.ts';
import { raiseAlert } from './raise-alert.ts';

const WEEK_MS = 7 * 86_400_000;

/**
 * Crawls one body. A failing portal is recorded in the body's health, never thrown: the fetcher has
 * already retried. A body failing N cycles in a row is reported to the admins (not to subscribers),
 * once per failure streak: the streak ends with the next success.
 */
export async function handleCrawl(message: CrawlMessage, ctx: StageContext): Promise<CrawlOutcome> {
  const body = requireBody(ctx, message.bodyId);
  const outcome = await crawlBody(body, {
    fetcher: ctx.fetcher,
    browser: ctx.browser,
    archive: ctx.archive,
    repo: ctx.repo,
    parseQueue: ctx.parseQueue,
    now: ctx.now,
    maxListingPages: 10,
    recheckMs: ctx.reportRecheckMs ?? WEEK_MS,
  });
  if (outcome.status === 'failed') await alertIfFailing(body, ctx);
  for (const removed of outcome.removed) await alertRemoved(body, removed, ctx);
  return outcome;
}

/**
 * A published report taken down is news to a watchdog: subscribers hear of it once, with the last
 * archived copy as evidence that it was published.
 */
async function alertRemoved(body: Body, r: RemovedReport, ctx: StageContext): Promise<void> {
  const year = titleYear(r.title) ?? Number(r.firstSeen.slice(0, 4));
  const rawKey = r.lastHash ? RawArchive.keyFor(body.id, r.lastHash, 'html') : undefined;
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
        zh: `已发布的年度报告页面被撤下(HTTP ${r.status}),存档副本仍在`,
        en: `A published report page was taken down (HTTP ${r.status}); the archived copy remains`,
      },
      evidence: [
        { quote: r.title, where: 'title' },
        {
          quote: r.url,
          where: 'url',
          computation: `first seen ${r.firstSeen}; answered HTTP ${r.status} on ${ctx.now().toISOString()}`,
        },
      ],
    },
  });
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
