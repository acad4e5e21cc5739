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
 * FIFO crawl queue → crawl function (Chromium when a listing needs it) → raw archive + parse queue.
 * The message group is the portal origin, so however far Lambda scales one host sees one crawl at a time.
 */
export class Crawl extends Construct {
  readonly queue: WorkQueue;
  readonly fn: AppFunction;
  readonly noSuccessAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CrawlProps) {
    super(scope, id);
    const timeout = Duration.minutes(5);
    this.queue = new WorkQueue(this, 'Bodies', {
      fifo: true,
      visibilityTimeout: Duration.minutes(30),
      // The fetcher already retries; a portal that is down is recorded, not thrown.
      maxReceiveCount: 3,
      alarmAction: props.alarmAction,
      // A day's tick must be worked off before the next one.
      maxMessageAge: Duration.hours(20),
    });
    this.fn = new AppFunction(this, 'Function', {
      name: 'crawl',
      description: 'nianbao-watch: crawl one body (listing, report pages, attachments) into the archive',
      memorySize: 2048,
      timeout,
      withBrowser: true,
      environment: props.environment,
      alarmAction: props.alarmAction,
    });
    bindTable(this.fn, props.storage.table, 'readWrite');
    bindBucket(this.fn, props.storage.bucket, 'readWrite');
    bindQueueProducer(this.fn, props.parseQueue, 'NIANBAO_PARSE_QUEUE_URL');
    bindQueueProducer(this.fn, props.alertQueue, 'NIANBAO_ALERT_QUEUE_URL');
    // One body per invocation: a crawl can take minutes, and a batch would share one timeout.
    this.queue.consumeWith(this.fn, { batchSize: 1, maxConcurrency: 10 });

    // Proof of life: a crawl that read its portal logs `crawl finished` with crawlStatus ok|unchanged.
    const successes = new logs.MetricFilter(this, 'SuccessfulCrawls', {
      logGroup: this.fn.logs,
      filterPattern: logs.FilterPattern.literal(
        '{ $.message = "crawl finished" && ($.crawlStatus = "ok" || $.crawlStatus = "unchanged") }',
      ),
      metricNamespace: 'nianbao-watch',
      metricName: 'SuccessfulCrawls',
      metricValue: '1',
    });
    this.noSuccessAlarm = new cloudwatch.Alarm(this, 'NoSuccessfulCrawlAlarm', {
      alarmDescription: 'no successful crawl in 24 hours: the pipeline or its egress is down',
      metric: successes.metric({ period: Duration.hours(6), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 4,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data means no successful crawl: that is the alarm.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.noSuccessAlarm.addAlarmAction(props.alarmAction);
  }
}
