import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ConcernProps } from './common.ts';
import { AppFunction, bindBucket, bindTable } from './function.ts';
import { WorkQueue } from './work-queue.ts';

/** Alert queue → alert function → SES: each alert to each subscriber (or the admins) once. */
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
    });
    this.fn = new AppFunction(this, 'Function', {
      name: 'alert',
      description: 'nianbao-watch: deliver one alert to its subscribers by SES',
      timeout,
      environment: props.environment,
    });
    bindTable(this.fn, props.storage.table);
    bindBucket(this.fn, props.storage.bucket, 'none');
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        // Any verified identity of this account and region: the sender is configuration (MAIL_FROM).
        resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
      }),
    );
    this.queue.consumeWith(this.fn, { batchSize: 10 });
  }
}
