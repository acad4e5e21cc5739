import { z } from 'zod';
import { buildAwsContext } from '#shared/aws/context.ts';
import { type BatchResponse, processBatch } from '#shared/aws/sqs-batch.ts';
import { CrawlMessage } from '#shared/queue/queue.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { crawlHosts } from '#shared/stages/crawl-hosts.ts';
import { type CrawlStageOutcome, handleCrawl } from '#shared/stages/crawl-stage.ts';
import { MAX_BATCH_IDS } from '#shared/stages/host-batches.ts';

/**
 * A record of the crawl queue (one body) or of the crawl batch queue (whole hosts, crawl tick or re-crawl; a
 * host bigger than NIANBAO_CRAWL_BATCH alone, whole: host-batches.ts).
 */
export const CrawlRecord = z.discriminatedUnion('type', [
  CrawlMessage,
  z.object({
    type: z.literal('batch'),
    task: z.enum(['crawl', 'recrawl']),
    bodyIds: z.array(z.string().min(1)).min(1).max(MAX_BATCH_IDS),
  }),
]);

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

function logCrawl(ctx: StageContext, m: CrawlMessage, outcome: CrawlStageOutcome): void {
  ctx.log('crawl finished', {
    stage: 'crawl',
    bodyId: m.bodyId,
    crawlStatus: outcome.handedOff ? 'handed-to-browser' : outcome.status,
    ...(outcome.continuation ? { continuation: m.continuation ?? 0 } : {}),
  });
}

/**
 * Both crawl functions (infra/constructs/crawl.ts) run this handler:
 * - the plain-HTTP function (arm64, no Chromium; NIANBAO_BROWSER_QUEUE_URL set) consumes the crawl batch
 *   queue (whole hosts walked at once: crawl-hosts.ts) and the crawl queue (one body: continuations,
 *   re-queued bodies), and hands a body that needs Chromium to the browser queue;
 * - the browser function (x86_64 with Chromium) consumes the browser queue, one body per record.
 * A failing portal is recorded on the body, not thrown; our own faults (a store error, Chromium failing
 * to launch: InfrastructureError) fail the record, which is retried after the visibility timeout and
 * dead-lettered after 3 receives, and the body's health is untouched. Each crawl logs `crawl finished`
 * with its status: the metric filter behind the "no successful crawl in 24 h" alarm counts those with
 * crawlStatus ok|unchanged.
 */
export async function handler(event: unknown, context?: LambdaContext): Promise<BatchResponse> {
  const ctx = await buildAwsContext();
  const remaining = context ? () => context.getRemainingTimeInMillis() : undefined;
  try {
    return await processBatch(
      event,
      CrawlRecord,
      async (m) => {
        if (m.type === 'crawl') {
          // The time budget of this record: what is left of the invocation when it starts (crawl-stage.ts).
          const remainingMs = remaining?.();
          const outcome = await handleCrawl(m, ctx, remainingMs === undefined ? {} : { remainingMs });
          logCrawl(ctx, m, outcome);
          return { bodyId: outcome.bodyId, status: outcome.status, handedOff: outcome.handedOff };
        }
        const walked = await crawlHosts(m.bodyIds, ctx, {
          force: m.task === 'recrawl',
          ...(remaining ? { remainingMs: remaining } : {}),
        });
        for (const outcome of walked.crawled) {
          logCrawl(ctx, { type: 'crawl', bodyId: outcome.bodyId, reason: m.task }, outcome);
        }
        return {
          crawled: walked.crawled.length,
          skipped: walked.skipped.length,
          requeued: walked.requeued.length,
        };
      },
      (message, fields) => ctx.log(message, { stage: 'crawl', ...fields }),
    );
  } finally {
    // robots.txt cache writes run beside the crawl; finish them before the container is frozen.
    await ctx.fetcher.flush();
  }
}
