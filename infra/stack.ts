import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { Alert } from './constructs/alert.ts';
import { Api } from './constructs/api.ts';
import { Crawl } from './constructs/crawl.ts';
import { Parse } from './constructs/parse.ts';
import { Schedule } from './constructs/schedule.ts';
import { Storage } from './constructs/storage.ts';

/** Deployment settings, from CDK context (`cdk deploy -c mailFrom=… -c adminEmail=…`). */
export const PipelineSettings = z.object({
  mailFrom: z.string().min(3).default('nianbao-watch <alerts@nianbao-watch.example>'),
  adminEmail: z.email().default('admin@nianbao-watch.example'),
  /** Where alarms are mailed; none keeps them on the console and the SNS topic only. */
  alarmEmail: z.email().optional(),
});
export type PipelineSettings = z.infer<typeof PipelineSettings>;

export interface NianbaoStackProps extends StackProps {
  settings: PipelineSettings;
}

/** The whole pipeline (DESIGN.md): storage, then the stages from the end of the flow to its start. */
export class NianbaoStack extends Stack {
  readonly storage: Storage;

  constructor(scope: Construct, id: string, props: NianbaoStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const alarms = new sns.Topic(this, 'Alarms', { displayName: 'nianbao-watch alarms' });
    if (settings.alarmEmail) alarms.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const alarmAction = new actions.SnsAction(alarms);

    this.storage = new Storage(this, 'Storage');
    const common = {
      storage: this.storage,
      alarmAction,
      environment: { MAIL_FROM: settings.mailFrom, ADMIN_EMAIL: settings.adminEmail },
    };
    const alert = new Alert(this, 'Alert', common);
    const parse = new Parse(this, 'Parse', { ...common, alertQueue: alert.queue.queue });
    const crawl = new Crawl(this, 'Crawl', {
      ...common,
      parseQueue: parse.queue.queue,
      alertQueue: alert.queue.queue,
    });
    const schedule = new Schedule(this, 'Schedule', {
      ...common,
      crawlQueue: crawl.queue.queue,
      alertQueue: alert.queue.queue,
    });
    new Api(this, 'Api', { ...common, crawlQueue: crawl.queue.queue });

    // The scheduler invokes asynchronously: a throwing tick never reaches its dead-letter queue.
    new cloudwatch.Alarm(this, 'ScheduleErrors', {
      alarmDescription: 'the crawl tick or the deadline sweep failed',
      metric: schedule.fn.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);
  }
}
