import { fileURLToPath } from 'node:url';
import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FINDINGS_INDEX } from '#shared/store/finding-index.ts';
import { SCOPE_INDEX } from '#shared/store/table.ts';

/** The repository root: entries, package-lock.json and tsconfig.json are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const path = (relative: string): string => `${PROJECT_ROOT}${relative}`;

/**
 * Packages that only the crawl function may load. shared/crawl/browser.ts imports them eagerly, so
 * the other functions get a throwing stand-in instead (see infra/stubs/no-browser.ts).
 */
export const BROWSER_PACKAGES = ['@sparticuz/chromium', 'playwright-core'] as const;

export type FunctionName = 'schedule' | 'crawl' | 'parse' | 'alert' | 'api' | 'mail-events';

export interface AppFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  name: FunctionName;
  description: string;
  memorySize?: number;
  timeout?: Duration;
  /**
   * Ship Chromium and playwright-core as real node_modules (crawl only). Such a function runs on
   * x86_64: @sparticuz/chromium ships an x86-64 binary only (ELF machine 62; test/integration/
   * aws-bundles.test.ts reads it), and Chromium on arm64 Lambda would fail every launch.
   */
  withBrowser?: boolean;
  environment?: Record<string, string>;
  alarmAction: cloudwatch.IAlarmAction;
  /**
   * Invoked only by the SQS event sources of WorkQueues (work-queue.ts), each alarmed on its dead-letter
   * queue and on the age of its oldest message: the function then has no errors and throttles alarms of
   * its own. A failed or throttled invocation gives its messages back to the queue; one that keeps failing
   * is dead-lettered and one that cannot run leaves its queue growing old, and both alarm. An error that a
   * retry cured needs no admin. Functions invoked otherwise (API Gateway, the scheduler, SNS), where a
   * failure reaches no dead-letter queue, keep both alarms.
   */
  queueConsumerOnly?: boolean;
}

/** The CloudFormation logical id of an L2's resource, as cdk-nag names it in a finding. */
export function logicalId(construct: Construct): string {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(child);
}

/** Why each acknowledged cdk-nag finding is acceptable: one place, read by every reviewer. */
export const NAG_REASONS = {
  runtime:
    'Node.js 22 is the runtime the bundles are built (target node22) and tested for; moving to a newer runtime is a deliberate upgrade, not a drive-by.',
  logStreams:
    "Lambda writes log streams it names at run time: logs:CreateLogStream/PutLogEvents on the function's own log group (arn…:log-group:<name>:*), nothing wider.",
  archiveObjects:
    'Objects of the archive bucket are named by content hash (raw/<body>/<sha256>, parsed/<body>/<sha256>): the grant is limited to those prefixes and to Get/Put (no Delete).',
} as const;

/**
 * A NodejsFunction with the project's defaults: Node 22, arm64 (x86_64 with Chromium), ESM bundle, source
 * maps, 1-month logs in a log group of its own, a role of its own with no managed policy (only the grants
 * the bind helpers add), and alarms on its errors and throttles (unless its queues' alarms already say it:
 * `queueConsumerOnly`).
 */
export class AppFunction extends nodejs.NodejsFunction {
  readonly logs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `nianbao-watch ${props.name} function`,
    });
    logGroup.grantWrite(role);
    const stub = path('infra/stubs/no-browser.ts');
    super(scope, id, {
      entry: path(`functions/${props.name}/handler.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path('package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: props.withBrowser ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'nianbao-watch',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        keepNames: true,
        sourceMap: true,
        sourcesContent: false,
        tsconfig: path('tsconfig.json'),
        // Ship the AWS SDK we pinned and tested with, not whichever version the runtime happens to carry.
        externalModules: [],
        // ESM bundles of CommonJS packages still call require(); give them one.
        banner:
          "import { createRequire as __nbCreateRequire } from 'node:module'; const require = __nbCreateRequire(import.meta.url);",
        ...(props.withBrowser
          ? {
              // Chromium's binary and playwright-core's own files must stay real files beside the bundle.
              nodeModules: [...BROWSER_PACKAGES],
              // `npm ci` of those from the local cache, so synth works without a network.
              environment: {
                npm_config_prefer_offline: 'true',
                npm_config_audit: 'false',
                npm_config_fund: 'false',
              },
            }
          : { esbuildArgs: { '--alias': BROWSER_PACKAGES.map((p) => `${p}=${stub}`) } }),
      },
    });
    this.logs = logGroup;
    Validations.of(this).acknowledge({ id: 'AwsSolutions-L1', reason: NAG_REASONS.runtime });
    // Narrowed to the log-stream wildcard only: any other wildcard on this role is still reported.
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`,
      reason: NAG_REASONS.logStreams,
    });
    if (props.queueConsumerOnly) return;
    const alarm = (name: string, metric: cloudwatch.Metric, description: string) =>
      new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(props.alarmAction);
    const sum = { period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM };
    alarm('ErrorsAlarm', this.metricErrors(sum), `the ${props.name} function failed (errors ≥ 1 in 15 min)`);
    alarm('ThrottlesAlarm', this.metricThrottles(sum), `the ${props.name} function was throttled`);
  }
}

/**
 * Read access to the registry object (NIANBAO_REGISTRY_S3_KEY in the archive bucket), which
 * `nianbao registry push` writes and every function reads at cold start: one key, no wildcard.
 */
export function bindRegistry(fn: lambda.Function, bucket: s3.Bucket, key: string): void {
  fn.addEnvironment('NIANBAO_REGISTRY_S3_KEY', key);
  fn.addEnvironment('NIANBAO_BUCKET', bucket.bucketName);
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(key)] }),
  );
}

export type TableAccess = 'read' | 'readWrite' | 'readWriteScan';

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/**
 * Partition keys whose items the stores delete (DeleteItem is granted for these only, by the
 * `dynamodb:LeadingKeys` condition): pending marks once their work is done (`PENDING#`), a sweep batch's
 * open summary once raised (`SWEEP#`), a delivery claim given back after a passing failure (`SENT#`), a
 * subscription withdrawn or given up (`SUB#`). Reports, revisions, the check log and alerts are never deleted.
 */
export const DELETABLE_PREFIXES = ['PENDING#', 'SWEEP#', 'SENT#', 'SUB#'] as const;

/**
 * The table's name (NIANBAO_TABLE) and exactly the item actions the stores use: DeleteItem only on
 * DELETABLE_PREFIXES' partitions, no stream or table-management action, Scan only where the redrive needs
 * it (schedule). The indexes are named, not `index/*`.
 */
export function bindTable(fn: lambda.Function, table: dynamodb.Table, access: TableAccess): void {
  const actions = [
    ...TABLE_READ,
    ...(access === 'read' ? [] : TABLE_WRITE),
    ...(access === 'readWriteScan' ? ['dynamodb:Scan'] : []),
  ];
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions,
      resources: [
        table.tableArn,
        `${table.tableArn}/index/${SCOPE_INDEX}`,
        `${table.tableArn}/index/${FINDINGS_INDEX}`,
      ],
    }),
  );
  if (access !== 'read')
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': DELETABLE_PREFIXES.map((p) => `${p}*`) },
        },
      }),
    );
  fn.addEnvironment('NIANBAO_TABLE', table.tableName);
}

/**
 * The archive bucket's name (NIANBAO_BUCKET) with the access the function needs: Get/Put on the
 * content-addressed prefixes, ListBucket so a HEAD of a missing key answers 404 (not 403). Never
 * DeleteObject: the archive is evidence (and Object Lock refuses it anyway). `none` still sets the
 * name: mails and API answers cite archived objects as s3://bucket/key.
 */
export function bindBucket(
  fn: lambda.Function,
  bucket: s3.Bucket,
  access: 'read' | 'readWrite' | 'none',
): void {
  fn.addEnvironment('NIANBAO_BUCKET', bucket.bucketName);
  if (access === 'none') return;
  const objects = ['raw/*', 'parsed/*'].map((prefix) => bucket.arnForObjects(prefix));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject', ...(access === 'readWrite' ? ['s3:PutObject'] : [])],
      resources: objects,
    }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  for (const prefix of ['raw/*', 'parsed/*']) {
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/${prefix}]`,
      reason: NAG_REASONS.archiveObjects,
    });
  }
}

export type QueueVariable =
  | 'NIANBAO_CRAWL_QUEUE_URL'
  | 'NIANBAO_PARSE_QUEUE_URL'
  | 'NIANBAO_ALERT_QUEUE_URL'
  | 'NIANBAO_CYCLE_QUEUE_URL'
  | 'NIANBAO_CRAWL_BATCH_QUEUE_URL'
  | 'NIANBAO_BROWSER_QUEUE_URL';

/** Permission to send to a queue and its URL under the variable shared/config.ts reads. */
export function bindQueueProducer(fn: lambda.Function, queue: sqs.Queue, variable: QueueVariable): void {
  queue.grantSendMessages(fn);
  fn.addEnvironment(variable, queue.queueUrl);
}

/** How the stack's functions send mail (infra/constructs/mail.ts decides). */
export type MailBinding =
  | {
      transport: 'ses';
      region: string;
      identityArn: string;
      configurationSet: string;
      configurationSetArn: string;
    }
  | { transport: 'smtp'; secret: secrets.Secret };

/** The mail transport's settings and the one permission it needs: SES send as the identity, or the SMTP secret. */
export function bindMail(fn: lambda.Function, mail: MailBinding): void {
  fn.addEnvironment('NIANBAO_MAIL_TRANSPORT', mail.transport);
  if (mail.transport === 'smtp') {
    mail.secret.grantRead(fn);
    fn.addEnvironment('NIANBAO_SMTP_SECRET_ARN', mail.secret.secretArn);
    return;
  }
  fn.addEnvironment('NIANBAO_SES_REGION', mail.region);
  fn.addEnvironment('NIANBAO_SES_CONFIGURATION_SET', mail.configurationSet);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [mail.identityArn, mail.configurationSetArn],
    }),
  );
}
