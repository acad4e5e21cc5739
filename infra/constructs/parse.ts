import { Duration } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConcernProps } from './common.ts';
import { AppFunction, bindBucket, bindQueueProducer, bindTable } from './function.ts';
import { WorkQueue } from './work-queue.ts';

export interface ParseProps extends ConcernProps {
  alertQueue: sqs.Queue;
}

/**
 * Parse queue → parse function → report in DynamoDB, findings → alert queue. The crawl stage sends the
 * parse message itself (no S3 notification): the embedded runtime's s3rver has none, and one code path
 * serves both runtimes.
 */
export class Parse extends Construct {
  readonly queue: WorkQueue;
  readonly fn: AppFunction;

  constructor(scope: Construct, id: string, props: ParseProps) {
    super(scope, id);
    const timeout = Duration.minutes(2);
    this.queue = new WorkQueue(this, 'Pages', {
      visibilityTimeout: Duration.minutes(12),
      maxReceiveCount: 5,
      alarmAction: props.alarmAction,
      maxMessageAge: Duration.hours(6),
    });
    this.fn = new AppFunction(this, 'Function', {
      name: 'parse',
      description: 'nianbao-watch: parse one archived page into a report and raise its findings',
      // PDF and .doc attachments are parsed in memory.
      memorySize: 1024,
      timeout,
      environment: props.environment,
      alarmAction: props.alarmAction,
      // Only its queues invoke it: their dead-letter and oldest-message alarms speak for it.
      queueConsumerOnly: true,
    });
    bindTable(this.fn, props.storage.table, 'readWrite');
    bindBucket(this.fn, props.storage.bucket, 'readWrite');
    bindQueueProducer(this.fn, props.alertQueue, 'NIANBAO_ALERT_QUEUE_URL');
    this.queue.consumeWith(this.fn, { batchSize: 5 });
  }
}
