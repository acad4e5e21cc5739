import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface WorkQueueProps {
  fifo?: boolean;
  /** At least the consumer's timeout; six times it lets Lambda retry a throttled batch in time. */
  visibilityTimeout: Duration;
  /** Receives before a message is parked in the dead-letter queue. */
  maxReceiveCount: number;
  alarmAction: cloudwatch.IAlarmAction;
  /** Age of the oldest message past which work is stuck (consumer down, throttled, poison loop). */
  maxMessageAge: Duration;
  /** The largest message the queue and its dead-letter queue take (SQS: 1 KiB … 1 MiB; default 256 KiB). */
  maxMessageSizeBytes?: number;
}

/** An alarm as soon as one message is visible in a queue that should stay empty. */
export function depthAlarm(
  scope: Construct,
  id: string,
  queue: sqs.Queue,
  description: string,
  action: cloudwatch.IAlarmAction,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(action);
  return alarm;
}

/** A queue with its dead-letter queue and an alarm as soon as anything lands there. */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const fifo = props.fifo ? { fifo: true, contentBasedDeduplication: false } : {};
    const size = props.maxMessageSizeBytes ? { maxMessageSizeBytes: props.maxMessageSizeBytes } : {};
    const common = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, ...fifo, ...size };
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', { ...common, retentionPeriod: Duration.days(14) });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is a dead-letter queue: it has no DLQ of its own; its depth alarm calls a human.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: props.maxReceiveCount },
    });
    this.alarm = depthAlarm(
      this,
      'DeadLettersAlarm',
      this.deadLetters,
      `messages in the ${id} dead-letter queue: a stage failed ${props.maxReceiveCount} times`,
      props.alarmAction,
    );
    new cloudwatch.Alarm(this, 'OldestMessageAlarm', {
      alarmDescription: `the oldest message in the ${id} queue is older than ${props.maxMessageAge.toHumanString()}: work is stuck`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: props.maxMessageAge.toSeconds(),
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(props.alarmAction);
  }

  /** The consumer, reporting partial batch failures so only the failed records come back. */
  consumeWith(fn: lambda.IFunction, options: { batchSize: number; maxConcurrency?: number }): void {
    this.queue.grantConsumeMessages(fn);
    fn.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize: options.batchSize,
        reportBatchItemFailures: true,
        ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
      }),
    );
  }
}
