import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ConcernProps } from './common.ts';
import { AppFunction, bindBucket, bindMail, bindQueueProducer, bindTable } from './function.ts';
import { WorkQueue } from './work-queue.ts';

/** Alert queue → alert function → SES or SMTP: each alert to each subscriber (or the admins) once. */
export class Alert extends Construct {
  readonly queue: WorkQueue;
  readonly fn: AppFunction;

  constructor(scope: Construct, id: string, props: ConcernProps) {
    super(scope, id);
    const timeout = Duration.minutes(1);
    this.queue = new WorkQueue(this, 'Alerts', {
      visibilityTimeout: Duration.minutes(6),
      maxReceiveCount: 5,
      alarmAction: props.alarmAction,
      maxMessageAge: Duration.hours(2),
    });
    this.fn = new AppFunction(this, 'Function', {
      name: 'alert',
      description: 'nianbao-watch: deliver one alert to its subscribers by mail',
      timeout,
      environment: props.environment,
      alarmAction: props.alarmAction,
      // Only its queues invoke it: their dead-letter and oldest-message alarms speak for it.
      queueConsumerOnly: true,
    });
    bindTable(this.fn, props.storage.table, 'readWrite');
    bindBucket(this.fn, props.storage.bucket, 'none');
    bindMail(this.fn, props.mail);
    this.queue.consumeWith(this.fn, { batchSize: 10 });
    // Its own queue too: admin alerts it raises (mail.transport, robot refusals) and alerts held back by a
    // robot's per-minute limit, sent again with a delay (shared/stages/alert-stage.ts).
    bindQueueProducer(this.fn, this.queue.queue, 'NIANBAO_ALERT_QUEUE_URL');
  }
}
