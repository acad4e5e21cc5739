import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { DEFAULT_REGISTRY_KEY } from '#shared/aws/registry.ts';
import { Alert } from './constructs/alert.ts';
import { Api } from './constructs/api.ts';
import { Crawl } from './constructs/crawl.ts';
import { AppFunction, bindRegistry } from './constructs/function.ts';
import { Mail } from './constructs/mail.ts';
import { Parse } from './constructs/parse.ts';
import { Schedule } from './constructs/schedule.ts';
import { Storage } from './constructs/storage.ts';

/**
 * Deployment settings, from CDK context (`cdk deploy -c mailFrom=… -c adminEmail=… -c alarmEmail=…
 * -c mailTransport=ses|smtp`). The first four are required: no deploy silently mails from an example
 * sender or raises alarms nobody receives.
 */
export const PipelineSettings = z.object({
  /** `nianbao-watch <alerts@example.org>`: the From of every mail. */
  mailFrom: z.string().regex(/@[^@\s>]+\.[^@\s>]+>?$/, 'mailFrom must end in an address with a domain'),
  adminEmail: z.email(),
  /** Where alarms are mailed (confirm the SNS subscription after the first deploy). */
  alarmEmail: z.email(),
  /** `ses` where SES exists; `smtp` (a relay, credentials in Secrets Manager) in the China regions. */
  mailTransport: z.enum(['ses', 'smtp']),
  /** SES in another region than the stack's (its identity and configuration set created there by hand). */
  sesRegion: z.string().min(1).optional(),
  /** The SES identity: a domain (DKIM) or an address; default the domain of mailFrom. */
  sesIdentity: z.string().min(3).optional(),
  sesConfigurationSet: z.string().min(1).default('nianbao-watch'),
  /** Years each archived page is locked against deletion (S3 Object Lock, governance). */
  retentionYears: z.coerce.number().int().min(1).max(100).default(10),
  /** API Gateway throttling of the whole API (requests per second, burst). */
  apiRateLimit: z.coerce.number().min(1).default(10),
  apiBurstLimit: z.coerce.number().int().min(1).default(20),
  /** Public URL of the API for links in mails (a custom domain); default the request's origin. */
  publicUrl: z.url().optional(),
  /** Settings passed to every function as-is (shared/config.ts names, e.g. NIANBAO_HOST_DELAY_MS). */
  tunables: z.record(z.string().regex(/^NIANBAO_[A-Z_]+$/), z.string()).default({}),
});
export type PipelineSettings = z.infer<typeof PipelineSettings>;
export type PipelineSettingsInput = z.input<typeof PipelineSettings>;

export interface NianbaoStackProps extends StackProps {
  settings: PipelineSettings;
}

/** The registry's key in the archive bucket (shared/aws/registry.ts). */
const REGISTRY_KEY = DEFAULT_REGISTRY_KEY;

const senderDomain = (mailFrom: string): string => {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  return address.slice(address.lastIndexOf('@') + 1).trim();
};

/** The whole pipeline (docs/architecture.md): storage and mail, then the stages from the end of the flow to its start. */
export class NianbaoStack extends Stack {
  readonly storage: Storage;
  readonly alarms: sns.Topic;
  readonly mail: Mail;
  readonly crawl: Crawl;
  readonly api: Api;
  readonly schedule: Schedule;
  readonly parse: Parse;
  readonly alert: Alert;

  constructor(scope: Construct, id: string, props: NianbaoStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.alarms = new sns.Topic(this, 'Alarms', { displayName: 'nianbao-watch alarms', enforceSSL: true });
    Validations.of(this.alarms).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key, and alarm texts (names, thresholds) are not confidential; a customer-managed key is not worth its cost here.',
    });
    this.alarms.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const alarmAction = new actions.SnsAction(this.alarms);

    this.storage = new Storage(this, 'Storage', { retentionYears: settings.retentionYears });
    const environment = {
      ...settings.tunables,
      NIANBAO_MAIL_FROM: settings.mailFrom,
      NIANBAO_ADMIN_EMAIL: settings.adminEmail,
      NIANBAO_LOG_FORMAT: 'json',
      ...(settings.publicUrl ? { NIANBAO_PUBLIC_URL: settings.publicUrl } : {}),
    };
    this.mail = new Mail(this, 'Mail', {
      transport: settings.mailTransport,
      identity: settings.sesIdentity ?? senderDomain(settings.mailFrom),
      sesRegion: settings.sesRegion,
      configurationSetName: settings.sesConfigurationSet,
      storage: this.storage,
      alarmAction,
      environment,
    });
    const common = {
      storage: this.storage,
      alarmAction,
      mail: this.mail.binding,
      environment,
    };
    const alert = new Alert(this, 'Alert', common);
    const parse = new Parse(this, 'Parse', { ...common, alertQueue: alert.queue.queue });
    this.alert = alert;
    this.parse = parse;
    this.crawl = new Crawl(this, 'Crawl', {
      ...common,
      parseQueue: parse.queue.queue,
      alertQueue: alert.queue.queue,
    });
    this.schedule = new Schedule(this, 'Schedule', {
      ...common,
      crawlQueue: this.crawl.queue.queue,
      crawlBatchQueue: this.crawl.batches.queue,
      alertQueue: alert.queue.queue,
    });
    this.api = new Api(this, 'Api', {
      ...common,
      crawlQueue: this.crawl.queue.queue,
      cycleQueue: this.schedule.cycle.queue,
      otherQueues: [
        { queue: this.crawl.batches.queue, variable: 'NIANBAO_CRAWL_BATCH_QUEUE_URL' },
        { queue: this.crawl.browserQueue.queue, variable: 'NIANBAO_BROWSER_QUEUE_URL' },
        { queue: parse.queue.queue, variable: 'NIANBAO_PARSE_QUEUE_URL' },
        { queue: alert.queue.queue, variable: 'NIANBAO_ALERT_QUEUE_URL' },
      ],
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
    });

    // Every function reads the registry `nianbao registry push` uploads (no redeploy to change it).
    for (const fn of this.node.findAll().filter((c): c is AppFunction => c instanceof AppFunction)) {
      bindRegistry(fn, this.storage.bucket, REGISTRY_KEY);
    }

    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'ArchiveBucket', { value: this.storage.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopic', { value: this.alarms.topicArn });
    if (this.mail.smtpSecret) {
      new CfnOutput(this, 'SmtpSecret', {
        value: this.mail.smtpSecret.secretArn,
        description: 'put the relay URL here: aws secretsmanager put-secret-value --secret-id <this>',
      });
    }
  }
}
