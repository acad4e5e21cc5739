import { Duration } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConcernProps } from './common.ts';
import { AppFunction, bindBucket, bindQueueProducer, bindTable } from './function.ts';
import { WorkQueue } from './work-queue.ts';

export interface CrawlProps extends ConcernProps {
  parseQueue: sqs.Queue;
  alertQueue: sqs.Queue;
}

/**
 * FIFO crawl queue → crawl function (Chromium when a listing needs it) → raw archive + parse queue.
 * The message group is the portal origin, so however far Lambda scales one host sees one crawl at a time.
 */
export class Crawl extends Construct {
  readonly queue: WorkQueue;
  readonly fn: AppFunction;

  constructor(scope: Construct, id: string, props: CrawlProps) {
    super(scope, id);
    const timeout = Duration.minutes(5);
    this.queue = new WorkQueue(this, 'Bodies', {
      fifo: true,
      visibilityTimeout: Duration.minutes(30),
      // The fetcher already retries; a portal that is down is recorded, not thrown.
      maxReceiveCount: 3,
      alarmAction: props.alarmAction,
    });
    this.fn = new AppFunction(this, 'Function', {
      name: 'crawl',
      description: 'nianbao-watch: crawl one body (listing, report pages, attachments) into the archive',
      memorySize: 2048,
      timeout,
      withBrowser: true,
      environment: props.environment,
    });
    bindTable(this.fn, props.storage.table);
    bindBucket(this.fn, props.storage.bucket, 'readWrite');
    bindQueueProducer(this.fn, props.parseQueue, 'PARSE_QUEUE_URL');
    bindQueueProducer(this.fn, props.alertQueue, 'ALERT_QUEUE_URL');
    // One body per invocation: a crawl can take minutes, and a batch would share one timeout.
    this.queue.consumeWith(this.fn, { batchSize: 1, maxConcurrency: 10 });
  }
}
