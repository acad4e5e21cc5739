import { Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { AppFunction, bindBucket, bindTable, type MailBinding } from './function.ts';
import type { Storage } from './storage.ts';

export interface MailProps {
  transport: 'ses' | 'smtp';
  /** The domain (or address) mail is sent from: the SES identity. */
  identity: string;
  /** SES in another region than the stack's (the identity and configuration set are then the operator's). */
  sesRegion?: string | undefined;
  configurationSetName: string;
  storage: Storage;
  alarmAction: cloudwatch.IAlarmAction;
  /** The settings every function shares. */
  environment: Record<string, string>;
}

export const SECRET_ROTATION_REASON =
  'Rotated by hand (`aws secretsmanager put-secret-value`, README runbook): the functions re-read it at run time within 5 minutes, so no rotation Lambda is needed for a random token or an SMTP relay password issued by the relay.';

/**
 * How the functions mail. SES (in the stack's region): the sending identity, a configuration set whose
 * bounce and complaint events go to an SNS topic and on to the mail-events function, which marks those
 * subscribers suppressed. SES in another region: the grants and settings only (the identity and the
 * configuration set are created there by the operator, README runbook). SMTP (the China regions, which
 * have no SES): a secret holding the relay URL, read at run time; bounces arrive at the relay's mailbox.
 */
export class Mail extends Construct {
  readonly binding: MailBinding;
  readonly events?: sns.Topic;
  readonly eventsFunction?: AppFunction;
  readonly smtpSecret?: secrets.Secret;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.transport === 'smtp') {
      this.smtpSecret = new secrets.Secret(this, 'SmtpUrl', {
        description: 'nianbao-watch: SMTP relay URL (smtps://user:password@host:465), set after deploy',
      });
      Validations.of(this.smtpSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: SECRET_ROTATION_REASON,
      });
      this.binding = { transport: 'smtp', secret: this.smtpSecret };
      return;
    }
    const region = props.sesRegion ?? stack.region;
    const arn = (resource: string, name: string) =>
      stack.formatArn({ service: 'ses', region, resource, resourceName: name });
    this.binding = {
      transport: 'ses',
      region,
      identityArn: arn('identity', props.identity),
      configurationSet: props.configurationSetName,
      configurationSetArn: arn('configuration-set', props.configurationSetName),
    };
    if (props.sesRegion) return;

    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: props.configurationSetName,
      reputationMetrics: true,
    });
    const identity = props.identity.includes('@')
      ? ses.Identity.email(props.identity)
      : ses.Identity.domain(props.identity);
    new ses.EmailIdentity(this, 'Identity', { identity, configurationSet });
    this.events = new sns.Topic(this, 'Events', {
      displayName: 'nianbao-watch SES bounces and complaints',
      enforceSSL: true,
    });
    Validations.of(this.events).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'SES publishes to it and it carries delivery notifications only (no message bodies); a customer-managed key would cost a KMS key per stack for no gain in confidentiality here.',
    });
    configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.events),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.eventsFunction = new AppFunction(this, 'EventsFunction', {
      name: 'mail-events',
      description: 'nianbao-watch: suppress subscribers whose mail bounced for good or who complained',
      alarmAction: props.alarmAction,
      // It sends nothing: the transport is named only because every function's configuration has one.
      environment: { ...props.environment, NIANBAO_MAIL_TRANSPORT: 'ses' },
    });
    bindTable(this.eventsFunction, props.storage.table, 'readWrite');
    bindBucket(this.eventsFunction, props.storage.bucket, 'none');
    this.events.addSubscription(new subscriptions.LambdaSubscription(this.eventsFunction));
  }
}
