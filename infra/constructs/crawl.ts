import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
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
 * Sizing of the two crawl functions, from measurements (README, Cost):
 * - plain HTTP: peak RSS of a crawl batch without Chromium, measured on the bundled handler
 *   (test/integration/crawl-http-memory.ts), with headroom; requests in flight per invocation so that
 *   a batch's ~30 hosts each wait only on their own host delay;
 * - browser: the peak memory of Chromium rendering script-built listings of 20–40 portals one after another
 *   in one warm container, measured with its processes (infra/cost/browser-memory.ts: 522–536 MiB summed
 *   RSS, 376–395 MiB summed PSS, no growth with more origins), with ~1.9× headroom over the RSS sum. Less
 *   memory is less CPU (one vCPU at 1,769 MB): a render's measured CPU (1.6 s) takes ~2.8 s at 1 GB instead
 *   of ~1.4 s at 2 GB, but the rest of it is waiting on the portal, so 1 GB costs ~36% less a render
 *   (infra/cost/model.ts).
 */
export const CRAWL_SIZING = {
  http: { memoryMb: 512, inFlight: 32, timeout: Duration.minutes(15) },
  browser: { memoryMb: 1024, timeout: Duration.minutes(5) },
  /** Crawl-tick batches at once: 100,000 bodies in batches of 1,000 whole hosts all run together. */
  batchConcurrency: 100,
  /** Single bodies (continuations, re-queued bodies) at once. */
  bodyConcurrency: 20,
  /** Bodies in Chromium at once. */
  browserConcurrency: 5,
} as const;

/**
 * The crawl, split by what it needs:
 * - a crawl batch queue (standard; whole hosts per message) and a FIFO crawl queue (one body; message
 *   group = portal origin) → the plain-HTTP function (arm64, small, no Chromium), which walks each
 *   batch's hosts at once, one host's bodies in turn, so host delays are waited while other hosts'
 *   requests are in flight;
 * - a FIFO browser queue (group = portal origin) → the browser function (x86_64, Chromium), which gets
 *   only the bodies that need it (registry `render: browser`, or a page behind an anti-bot wall).
 */
export class Crawl extends Construct {
  /** One body per message (continuations, re-crawls of named bodies, bodies re-queued from a batch). */
  readonly queue: WorkQueue;
  /** Crawl-tick and re-crawl batches of whole hosts. */
  readonly batches: WorkQueue;
  readonly browserQueue: WorkQueue;
  readonly fn: AppFunction;
  readonly browserFn: AppFunction;
  readonly noSuccessAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CrawlProps) {
    super(scope, id);
    const { http, browser } = CRAWL_SIZING;
    const fifo = {
      fifo: true,
      // The fetcher already retries; a portal that is down is recorded, not thrown.
      maxReceiveCount: 3,
      alarmAction: props.alarmAction,
      // A day's tick must be worked off before the next one.
      maxMessageAge: Duration.hours(20),
    };
    this.queue = new WorkQueue(this, 'Bodies', { ...fifo, visibilityTimeout: Duration.minutes(90) });
    this.batches = new WorkQueue(this, 'Batches', {
      // SQS's largest: a host bigger than NIANBAO_CRAWL_BATCH is one message, whole (host-batches.ts).
      maxMessageSizeBytes: 1_048_576,
      visibilityTimeout: Duration.minutes(90),
      maxReceiveCount: 3,
      alarmAction: props.alarmAction,
      maxMessageAge: Duration.hours(20),
    });
    this.browserQueue = new WorkQueue(this, 'Browser', { ...fifo, visibilityTimeout: Duration.minutes(30) });

    this.fn = new AppFunction(this, 'Function', {
      name: 'crawl',
      description:
        'nianbao-watch: crawl by plain HTTP (batches of whole hosts, or one body); bodies that need Chromium go to the browser function',
      memorySize: http.memoryMb,
      timeout: http.timeout,
      environment: { ...props.environment, NIANBAO_CONCURRENCY: String(http.inFlight) },
      alarmAction: props.alarmAction,
      // Only its queues invoke it: their dead-letter and oldest-message alarms speak for it.
      queueConsumerOnly: true,
    });
    bindQueueProducer(this.fn, this.queue.queue, 'NIANBAO_CRAWL_QUEUE_URL');
    bindQueueProducer(this.fn, this.browserQueue.queue, 'NIANBAO_BROWSER_QUEUE_URL');
    // A walk out of time hands the rest of each host on in one crawl-batch message (crawl-hosts.ts).
    bindQueueProducer(this.fn, this.batches.queue, 'NIANBAO_CRAWL_BATCH_QUEUE_URL');
    this.batches.consumeWith(this.fn, { batchSize: 1, maxConcurrency: CRAWL_SIZING.batchConcurrency });
    this.queue.consumeWith(this.fn, { batchSize: 1, maxConcurrency: CRAWL_SIZING.bodyConcurrency });

    this.browserFn = new AppFunction(this, 'BrowserFunction', {
      name: 'crawl',
      description: 'nianbao-watch: crawl one body in Chromium (listings and pages that need the browser)',
      memorySize: browser.memoryMb,
      timeout: browser.timeout,
      withBrowser: true,
      environment: props.environment,
      alarmAction: props.alarmAction,
      // Only its queues invoke it: their dead-letter and oldest-message alarms speak for it.
      queueConsumerOnly: true,
    });
    // Its continuations and re-queued bodies stay on the browser queue: it is this function's crawl queue.
    bindQueueProducer(this.browserFn, this.browserQueue.queue, 'NIANBAO_CRAWL_QUEUE_URL');
    this.browserQueue.consumeWith(this.browserFn, {
      batchSize: 1,
      maxConcurrency: CRAWL_SIZING.browserConcurrency,
    });

    for (const fn of [this.fn, this.browserFn]) {
      bindTable(fn, props.storage.table, 'readWrite');
      bindBucket(fn, props.storage.bucket, 'readWrite');
      bindQueueProducer(fn, props.parseQueue, 'NIANBAO_PARSE_QUEUE_URL');
      bindQueueProducer(fn, props.alertQueue, 'NIANBAO_ALERT_QUEUE_URL');
    }

    // Proof of life: a crawl that read its portal logs `crawl finished` with crawlStatus ok|unchanged,
    // in either function; both filters feed one metric.
    const filters = [this.fn, this.browserFn].map(
      (fn, i) =>
        new logs.MetricFilter(this, i === 0 ? 'SuccessfulCrawls' : 'SuccessfulBrowserCrawls', {
          logGroup: fn.logs,
          filterPattern: logs.FilterPattern.literal(
            '{ $.message = "crawl finished" && ($.crawlStatus = "ok" || $.crawlStatus = "unchanged") }',
          ),
          metricNamespace: 'nianbao-watch',
          metricName: 'SuccessfulCrawls',
          metricValue: '1',
        }),
    );
    this.noSuccessAlarm = new cloudwatch.Alarm(this, 'NoSuccessfulCrawlAlarm', {
      alarmDescription: 'no successful crawl in 24 hours: the pipeline or its egress is down',
      metric: (filters[0] as logs.MetricFilter).metric({
        period: Duration.hours(6),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 4,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data means no successful crawl: that is the alarm.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.noSuccessAlarm.addAlarmAction(props.alarmAction);
  }
}
