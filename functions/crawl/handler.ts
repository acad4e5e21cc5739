import { buildAwsContext } from '#shared/aws/context.ts';
import { type BatchResponse, processBatch } from '#shared/aws/sqs-batch.ts';
import { CrawlMessage } from '#shared/queue/queue.ts';
import { handleCrawl } from '#shared/stages/crawl-stage.ts';

/** SQS FIFO (crawl queue) → one body crawled per record; a failing portal is recorded, not thrown. */
export async function handler(event: unknown): Promise<BatchResponse> {
  const ctx = buildAwsContext();
  try {
    return await processBatch(event, CrawlMessage, (m) => handleCrawl(m, ctx), ctx.log);
  } finally {
    // robots.txt cache writes run beside the crawl; finish them before the container is frozen.
    await ctx.fetcher.flush();
  }
}
