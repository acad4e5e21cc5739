import { type CrawlOutcome, crawlBody } from '../crawl/crawl-body.ts';
import type { CrawlMessage } from '../queue/queue.ts';
import { requireBody, type StageContext } from './context.ts';

/**
 * Crawls one body. A failing portal is recorded in the body's health, never thrown: the fetcher has
 * already retried, and a body failing N cycles in a row is reported to the admins (not to subscribers).
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
  });
  if (outcome.status === 'failed') {
    const state = await ctx.repo.getBodyState(body.id);
    if (state.consecutiveFailures >= ctx.failuresBeforeAdminAlert) {
      const since = ctx.today();
      const alertId = `crawl.failing/${body.id}/${since.slice(0, 4)}`;
      const fresh = await ctx.repo.recordAlert({
        alertId,
        rule: 'crawl.failing',
        bodyId: body.id,
        year: Number(since.slice(0, 4)),
        audience: 'admins',
        createdAt: ctx.now().toISOString(),
        finding: {
          rule: 'crawl.failing',
          severity: 'warning',
          message: {
            zh: `门户连续${state.consecutiveFailures}次抓取失败(${state.lastErrorClass ?? '未知'})`,
            en: `Portal failed ${state.consecutiveFailures} crawls in a row (${state.lastErrorClass ?? 'unknown'})`,
          },
          evidence: [{ quote: state.lastError ?? '', where: body.listingUrl }],
        },
      });
      if (fresh) await ctx.alertQueue.send({ type: 'alert', alertId }, { dedupId: alertId });
    }
  }
  return outcome;
}
