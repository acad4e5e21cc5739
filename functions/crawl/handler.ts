import { buildAwsContext } from '#shared/aws/context.ts';
import { type BatchResponse, processBatch } from '#shared/aws/sqs-batch.ts';
import { CrawlMessage } from '#shared/queue/queue.ts';
import { handleCrawl } from '#shared/stages/crawl-stage.ts';

/**
 * SQS FIFO (crawl queue) → one body crawled per record. A failing portal is recorded on the body, not
 * thrown; our own faults (a store error, Chromium failing to launch: InfrastructureError) throw, so the
 * record is reported failed, retried after the visibility timeout and dead-lettered after 3 receives,
 * and the body's health is untouched. Each crawl logs `crawl finished` with its status: the metric
 * filter behind the "no successful crawl in 24 h" alarm counts those with crawlStatus ok|unchanged.
 */
export async function handler(
  event: unknown,
  context?: { getRemainingTimeInMillis(): number },
): Promise<BatchResponse> {
  const ctx = buildAwsContext();
  const log = (message: string, fields?: Record<string, unknown>) =>
    ctx.log(message, { stage: 'crawl', ...fields });
  try {
    return await processBatch(
      event,
      CrawlMessage,
      async (m) => {
        // The time budget of this record: what is left of the invocation when it starts (crawl-stage.ts).
        const remainingMs = context?.getRemainingTimeInMillis();
        const outcome = await handleCrawl(m, ctx, remainingMs === undefined ? {} : { remainingMs });
        log('crawl finished', {
          bodyId: m.bodyId,
          crawlStatus: outcome.status,
          ...(outcome.continuation ? { continuation: m.continuation ?? 0 } : {}),
        });
        return { bodyId: outcome.bodyId, status: outcome.status, newReports: outcome.newReports };
      },
      log,
    );
  } finally {
    // robots.txt cache writes run beside the crawl; finish them before the container is frozen.
    await ctx.fetcher.flush();
  }
}
