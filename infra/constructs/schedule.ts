import { Duration, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { CycleTask } from '#shared/stages/cycle-stage.ts';
import type { ConcernProps } from './common.ts';
import { AppFunction, bindBucket, bindQueueProducer, bindTable, logicalId } from './function.ts';
import { depthAlarm, WorkQueue } from './work-queue.ts';

export interface ScheduleProps extends ConcernProps {
  crawlQueue: sqs.Queue;
  /** Crawl-tick and re-crawl batches of whole hosts, walked by the plain-HTTP crawl function. */
  crawlBatchQueue: sqs.Queue;
  alertQueue: sqs.Queue;
}

/** When each task of the cycle runs (Beijing time, the deadlines' calendar). */
export const CYCLE_TIMES: Record<Exclude<CycleTask, 'recrawl'>, { hour: string; minute: string }> = {
  redrive: { hour: '1', minute: '30' },
  crawl: { hour: '2', minute: '0' },
  // After the crawls have had time to land.
  sweep: { hour: '8', minute: '0' },
  // NIANBAO_DIGEST_HOUR's default; a deploy setting it in the functions' environment moves this too.
  digest: { hour: '9', minute: '0' },
};

/**
 * EventBridge Scheduler → schedule function: the cycle's tasks (shared/stages/cycle-stage.ts). The crawl
 * tick, the sweep and a full re-crawl fan out into batches of bodies on the cycle queue, which the same
 * function consumes one batch per invocation (each within its timeout, retried and dead-lettered alone);
 * the redrive queues undelivered alerts again (SQS DLQ redrive does not exist in the China regions).
 */
export class Schedule extends Construct {
  readonly fn: AppFunction;
  readonly cycle: WorkQueue;
  readonly schedules: Record<keyof typeof CYCLE_TIMES, scheduler.Schedule>;
  /** Invocations the scheduler gave up on (after its own retries). */
  readonly failedInvocations: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduleProps) {
    super(scope, id);
    const timeout = Duration.minutes(5);
    this.cycle = new WorkQueue(this, 'Cycle', {
      visibilityTimeout: Duration.minutes(30),
      maxReceiveCount: 3,
      alarmAction: props.alarmAction,
      maxMessageAge: Duration.hours(2),
    });
    this.fn = new AppFunction(this, 'Function', {
      name: 'schedule',
      description: 'nianbao-watch: the cycle (crawl tick, sweep, re-crawl, alert redrive), in batches',
      timeout,
      environment: props.environment,
      alarmAction: props.alarmAction,
    });
    // Scan: once per table, the redrive and the digests mark what an older table holds waiting
    // (shared/store/pending.ts); after that they Query the marks.
    bindTable(this.fn, props.storage.table, 'readWriteScan');
    bindBucket(this.fn, props.storage.bucket, 'none');
    bindQueueProducer(this.fn, props.crawlQueue, 'NIANBAO_CRAWL_QUEUE_URL');
    bindQueueProducer(this.fn, props.alertQueue, 'NIANBAO_ALERT_QUEUE_URL');
    bindQueueProducer(this.fn, this.cycle.queue, 'NIANBAO_CYCLE_QUEUE_URL');
    bindQueueProducer(this.fn, props.crawlBatchQueue, 'NIANBAO_CRAWL_BATCH_QUEUE_URL');
    this.cycle.consumeWith(this.fn, { batchSize: 1, maxConcurrency: 5 });

    // Not consumed: the scheduler parks failed invocations here and the alarm calls a human.
    this.failedInvocations = new sqs.Queue(this, 'FailedInvocations', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedInvocations).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This is the scheduler's dead-letter queue: it has no DLQ of its own; its depth alarm calls a human.",
    });
    depthAlarm(
      this,
      'FailedInvocationsAlarm',
      this.failedInvocations,
      'the scheduler could not invoke the schedule function (a cycle task was missed)',
      props.alarmAction,
    );
    // The scheduler's own role: invoke this function (grantInvoke adds its versions, `<arn>:*`), nothing else.
    const invoker = new iam.Role(this, 'InvokerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'nianbao-watch: EventBridge Scheduler invokes the schedule function',
    });
    Validations.of(invoker).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(this.fn)}.Arn>:*]`,
      reason:
        "lambda:InvokeFunction on the schedule function's own versions and aliases (`<arn>:*`), as grantInvoke writes it.",
    });
    const schedule = (task: keyof typeof CYCLE_TIMES, name: string) =>
      new scheduler.Schedule(this, name, {
        description: `nianbao-watch: daily ${task}`,
        schedule: scheduler.ScheduleExpression.cron({
          ...CYCLE_TIMES[task],
          ...(task === 'digest' && props.environment.NIANBAO_DIGEST_HOUR
            ? { hour: props.environment.NIANBAO_DIGEST_HOUR }
            : {}),
          timeZone: TimeZone.ASIA_SHANGHAI,
        }),
        target: new targets.LambdaInvoke(this.fn, {
          input: scheduler.ScheduleTargetInput.fromObject({ task }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.failedInvocations,
          role: invoker,
        }),
      });
    this.schedules = {
      redrive: schedule('redrive', 'Redrive'),
      crawl: schedule('crawl', 'CrawlTick'),
      sweep: schedule('sweep', 'Sweep'),
      digest: schedule('digest', 'Digest'),
    };
  }
}
