import { Duration, TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConcernProps } from './common.ts';
import { AppFunction, bindBucket, bindQueueProducer, bindTable } from './function.ts';
import { depthAlarm } from './work-queue.ts';

export interface ScheduleProps extends ConcernProps {
  crawlQueue: sqs.Queue;
  alertQueue: sqs.Queue;
}

/**
 * EventBridge Scheduler → schedule function, twice a day (Beijing time, the deadlines' calendar):
 * the crawl tick (the stage decides who is due: daily in Jan–Apr, weekly otherwise) and, after the
 * crawls have had time to land, the deadline sweep.
 */
export class Schedule extends Construct {
  readonly fn: AppFunction;
  readonly crawlTick: scheduler.Schedule;
  readonly sweep: scheduler.Schedule;
  /** Invocations the scheduler gave up on (after its own retries). */
  readonly failedInvocations: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduleProps) {
    super(scope, id);
    this.fn = new AppFunction(this, 'Function', {
      name: 'schedule',
      description: 'nianbao-watch: queue the bodies due for a crawl, or sweep the deadlines',
      timeout: Duration.minutes(2),
      environment: props.environment,
    });
    bindTable(this.fn, props.storage.table);
    bindBucket(this.fn, props.storage.bucket, 'none');
    bindQueueProducer(this.fn, props.crawlQueue, 'CRAWL_QUEUE_URL');
    bindQueueProducer(this.fn, props.alertQueue, 'ALERT_QUEUE_URL');

    // Not consumed: the scheduler parks failed invocations here and the alarm calls a human.
    this.failedInvocations = new sqs.Queue(this, 'FailedInvocations', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    depthAlarm(
      this,
      'FailedInvocationsAlarm',
      this.failedInvocations,
      'the scheduler could not invoke the schedule function (crawl tick or sweep missed)',
      props.alarmAction,
    );
    const target = (task: 'crawl' | 'sweep') =>
      new targets.LambdaInvoke(this.fn, {
        input: scheduler.ScheduleTargetInput.fromObject({ task }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.failedInvocations,
      });
    this.crawlTick = new scheduler.Schedule(this, 'CrawlTick', {
      description: 'nianbao-watch: daily crawl tick',
      schedule: scheduler.ScheduleExpression.cron({
        hour: '2',
        minute: '0',
        timeZone: TimeZone.ASIA_SHANGHAI,
      }),
      target: target('crawl'),
    });
    this.sweep = new scheduler.Schedule(this, 'Sweep', {
      description: 'nianbao-watch: daily deadline sweep',
      schedule: scheduler.ScheduleExpression.cron({
        hour: '8',
        minute: '0',
        timeZone: TimeZone.ASIA_SHANGHAI,
      }),
      target: target('sweep'),
    });
  }
}
