import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The repository root: entries, package-lock.json and tsconfig.json are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const path = (relative: string): string => `${PROJECT_ROOT}${relative}`;

/**
 * Packages that only the crawl function may load. shared/crawl/browser.ts imports them eagerly, so
 * the other functions get a throwing stand-in instead (see infra/stubs/no-browser.ts).
 */
export const BROWSER_PACKAGES = ['@sparticuz/chromium', 'playwright-core'] as const;

export interface AppFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  name: 'schedule' | 'crawl' | 'parse' | 'alert' | 'api';
  description: string;
  memorySize?: number;
  timeout?: Duration;
  /** Ship Chromium and playwright-core as real node_modules (crawl only). */
  withBrowser?: boolean;
  environment?: Record<string, string>;
}

/** A NodejsFunction with the project's defaults: Node 22 on arm64, ESM bundle, source maps, 1-month logs. */
export class AppFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
    const stub = path('infra/stubs/no-browser.ts');
    super(scope, id, {
      entry: path(`functions/${props.name}/handler.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path('package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
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
  }
}

/** Read/write access to the table and its name, together, so a function never has one without the other. */
export function bindTable(fn: lambda.Function, table: dynamodb.Table): void {
  table.grantReadWriteData(fn);
  fn.addEnvironment('TABLE_NAME', table.tableName);
}

/**
 * The archive bucket's name, with the access the function needs. `none` still sets the name: the
 * alert mails and API answers cite archived objects as s3://bucket/key.
 */
export function bindBucket(
  fn: lambda.Function,
  bucket: s3.Bucket,
  access: 'read' | 'readWrite' | 'none',
): void {
  if (access === 'read') bucket.grantRead(fn);
  if (access === 'readWrite') bucket.grantReadWrite(fn);
  fn.addEnvironment('BUCKET_NAME', bucket.bucketName);
}

export type QueueVariable = 'CRAWL_QUEUE_URL' | 'PARSE_QUEUE_URL' | 'ALERT_QUEUE_URL';

/** Permission to send to a queue and its URL under the variable shared/aws/context.ts reads. */
export function bindQueueProducer(fn: lambda.Function, queue: sqs.Queue, variable: QueueVariable): void {
  queue.grantSendMessages(fn);
  fn.addEnvironment(variable, queue.queueUrl);
}
