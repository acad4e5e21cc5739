import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { apiRoutes, gatewayPath } from '#shared/api/routes.ts';
import { DEFAULT_REGISTRY_KEY } from '#shared/aws/registry.ts';
import type { ConcernProps } from './common.ts';
import {
  AppFunction,
  bindBucket,
  bindMail,
  bindQueueProducer,
  bindTable,
  type QueueVariable,
} from './function.ts';
import { SECRET_ROTATION_REASON } from './mail.ts';

export interface ApiProps extends ConcernProps {
  crawlQueue: sqs.Queue;
  cycleQueue: sqs.Queue;
  /**
   * The other work queues (crawl batches, browser, parse, alert), for the admin page's dead letters and queue
   * depths: their dead letters are listed and requeued (sent back to the queue) like the crawl and cycle queues'.
   */
  otherQueues?: ReadonlyArray<{ queue: sqs.Queue; variable: QueueVariable }>;
  /** The registry object's key in the archive bucket (PUT /admin/registry/:bodyId writes it). */
  registryKey?: string;
  /** Requests per second (steady, burst) the whole API accepts. */
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * Tighter limits per route, below the stage's, for the routes whose abuse costs money or mail: a flood
 * of subscriptions (each a confirmation mail), admin calls (each may queue the registry), anything that
 * writes. A route of the app not named here gets the stage's limits.
 */
export const ROUTE_THROTTLE = {
  'POST /subscriptions': { rateLimit: 1, burstLimit: 5 },
  'POST /admin/*': { rateLimit: 0.2, burstLimit: 2 },
} as const;

/** The limits of one route (API Gateway route key `METHOD /path`), or undefined for the stage's. */
export function routeThrottle(routeKey: string): { rateLimit: number; burstLimit: number } | undefined {
  if (routeKey in ROUTE_THROTTLE) return ROUTE_THROTTLE[routeKey as keyof typeof ROUTE_THROTTLE];
  if (routeKey.startsWith('POST /admin/')) return ROUTE_THROTTLE['POST /admin/*'];
  return undefined;
}

/**
 * HTTP API → api function (shared/api/app.ts). Every route of the Hono app is an API Gateway route,
 * generated from the app's own route list (shared/api/routes.ts): a route added to the app cannot be
 * forgotten here.
 */
export class Api extends Construct {
  readonly http: apigw.HttpApi;
  readonly fn: AppFunction;
  readonly adminToken: secrets.Secret;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.adminToken = new secrets.Secret(this, 'AdminToken', {
      description: 'nianbao-watch: x-admin-token for POST /admin/*',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.adminToken).acknowledge({ id: 'AwsSolutions-SMG4', reason: SECRET_ROTATION_REASON });
    this.fn = new AppFunction(this, 'Function', {
      name: 'api',
      description: 'nianbao-watch: HTTP API',
      timeout: Duration.seconds(15),
      environment: props.environment,
      alarmAction: props.alarmAction,
    });
    // Only the ARN: the token is read at run time, never placed in the environment or the template.
    this.adminToken.grantRead(this.fn);
    this.fn.addEnvironment('NIANBAO_ADMIN_TOKEN_SECRET_ARN', this.adminToken.secretArn);
    bindTable(this.fn, props.storage.table, 'readWrite');
    bindBucket(this.fn, props.storage.bucket, 'none');
    bindQueueProducer(this.fn, props.crawlQueue, 'NIANBAO_CRAWL_QUEUE_URL');
    bindQueueProducer(this.fn, props.cycleQueue, 'NIANBAO_CYCLE_QUEUE_URL');
    // Sending to the other work queues is what requeueing their dead letters is (no route sends there otherwise).
    for (const { queue, variable } of props.otherQueues ?? []) bindQueueProducer(this.fn, queue, variable);
    // The admin page's queue depths (GET /admin/queues) and dead letters (GET /admin/dead-letters, POST
    // /admin/dead-letters/requeue), of every work queue: sending already grants sqs:GetQueueAttributes on
    // these queues (their RedrivePolicy names the dead-letter queue); a dead-letter queue is counted, read
    // without being consumed (receive, then visibility back to 0) and emptied of what is requeued (sent to
    // its source queue, then deleted). Nothing may be sent to a dead-letter queue, nor purged.
    for (const queue of [
      props.crawlQueue,
      props.cycleQueue,
      ...(props.otherQueues ?? []).map((q) => q.queue),
    ]) {
      queue.deadLetterQueue?.queue.grant(
        this.fn,
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
      );
    }
    // PUT /admin/registry/:bodyId: read-modify-write of the registry object alone (reading it is granted
    // to every function by the stack).
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.storage.bucket.arnForObjects(props.registryKey ?? DEFAULT_REGISTRY_KEY)],
      }),
    );
    // The confirmation mail of POST /subscriptions.
    bindMail(this.fn, props.mail);

    this.http = new apigw.HttpApi(this, 'Http', {
      description: 'nianbao-watch API',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    // A public subscribe endpoint: keep abuse from turning into a DynamoDB or mail bill.
    const stage = this.http.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    const integration = new HttpLambdaIntegration('Lambda', this.fn);
    // Per-route limits (the L2 stage sets only the default route's): an HTTP API has no per-client
    // throttling (usage plans and AWS WAF are REST API features), so the costly routes get their own
    // ceiling and a flood from one client cannot starve the others of more than those routes.
    // RouteSettings is untyped JSON in CloudFormation's schema: its keys are written as the template spells them.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of apiRoutes()) {
      const key = `${route.method} ${gatewayPath(route.path)}`;
      const limit = routeThrottle(key);
      if (limit) {
        routeSettings[key] = {
          ThrottlingRateLimit: Math.min(limit.rateLimit, props.throttle.rateLimit),
          ThrottlingBurstLimit: Math.min(limit.burstLimit, props.throttle.burstLimit),
        };
      }
    }
    (stage.node.defaultChild as apigw.CfnStage).routeSettings = routeSettings;
    for (const route of apiRoutes()) {
      const method = Object.values(apigw.HttpMethod).find((m) => m === route.method);
      if (!method) throw new Error(`API route ${route.method} ${route.path}: no such API Gateway method`);
      const routes = this.http.addRoutes({ path: gatewayPath(route.path), methods: [method], integration });
      for (const r of routes) {
        // Route settings name route keys: the stage is created after the routes exist.
        stage.node.addDependency(r);
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public by design (status, subscribe, confirm, health); the /admin routes check x-admin-token in the app (constant-time, from Secrets Manager), which a gateway authorizer would only duplicate.',
        });
      }
    }
    new CfnOutput(this, 'Url', { value: stage.url, description: 'nianbao-watch API endpoint' });
    new CfnOutput(this, 'AdminTokenSecret', {
      value: this.adminToken.secretArn,
      description: 'the admin token: aws secretsmanager get-secret-value --secret-id <this>',
    });
  }
}
