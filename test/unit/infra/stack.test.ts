import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRoutes, gatewayPath } from '#shared/api/routes.ts';
import { NianbaoStack, PipelineSettings } from '../../../infra/stack.ts';
import { SETTINGS } from './settings.ts';

const Resource = z.object({ Properties: z.record(z.string(), z.unknown()) });
const FunctionProps = z.object({
  Description: z.string(),
  Role: z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }),
  Architectures: z.array(z.string()),
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
});
const ScheduleProps = z.object({
  ScheduleExpression: z.string(),
  ScheduleExpressionTimezone: z.string(),
  Target: z.object({ Input: z.string() }),
});

describe('NianbaoStack', () => {
  let template: Template;
  /** The properties of every resource of a type (the template is data: parsed, not cast). */
  const propertiesOf = (type: string) =>
    Object.values(template.findResources(type)).map((r) => Resource.parse(r).Properties);
  const functionByDescription = (fragment: string) => {
    const found = propertiesOf('AWS::Lambda::Function').find((p) =>
      FunctionProps.parse(p).Description.includes(fragment),
    );
    if (!found) throw new Error(`no function described as …${fragment}…`);
    return found;
  };

  beforeAll(() => {
    // Prepare: one synth for the file, with esbuild and `npm ci` skipped (bundling-stacks = none).
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new NianbaoStack(app, 'Test', { settings: PipelineSettings.parse(SETTINGS) });
    template = Template.fromStack(stack);
  });

  it('keeps the raw archive versioned, locked (governance), tiered, logged, encrypted, private and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3650 } },
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Status: 'Enabled',
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            }),
          ]),
        },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'raw-archive/' }),
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      },
    });
  });

  it('builds the table from tableDefinition: pk/sk, the byScope and byFinding GSIs, on demand, PITR', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
          { AttributeName: 'gsi2pk', AttributeType: 'S' },
          { AttributeName: 'gsi2sk', AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byScope',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'byFinding',
            KeySchema: [
              { AttributeName: 'gsi2pk', KeyType: 'HASH' },
              { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  /** Every statement of the inline policies attached to the role of the function described as …fragment… */
  const statementsOf = (fragment: string) => {
    const role = FunctionProps.parse(functionByDescription(fragment)).Role['Fn::GetAtt'][0];
    const Policy = z.object({
      Properties: z.object({
        Roles: z.array(z.object({ Ref: z.string() })),
        PolicyDocument: z.object({
          Statement: z.array(
            z.object({ Action: z.union([z.string(), z.array(z.string())]), Resource: z.unknown() }),
          ),
        }),
      }),
    });
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .map((p) => Policy.parse(p).Properties)
      .filter((p) => p.Roles.some((r) => r.Ref === role))
      .flatMap((p) => p.PolicyDocument.Statement);
  };
  const actionsOf = (fragment: string, service: string) =>
    [
      ...new Set(
        statementsOf(fragment)
          .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
          .filter((a) => a.startsWith(`${service}:`)),
      ),
    ].sort();

  const FN = {
    schedule: 'the cycle',
    crawl: 'crawl by plain HTTP',
    crawlBrowser: 'crawl one body in Chromium',
    parse: 'parse one archived page',
    alert: 'deliver one alert',
    api: 'HTTP API',
    mailEvents: 'suppress subscribers',
  } as const;

  it('has FIFO crawl and browser queues without content dedup, and a dead-letter queue per work queue', () => {
    const props = propertiesOf('AWS::SQS::Queue');
    const fifo = props.filter((p) => p.FifoQueue === true);
    // The one-body crawl queue and the browser queue, each with its DLQ; the others are standard.
    expect(fifo).toHaveLength(4);
    const Redrive = z.object({ maxReceiveCount: z.number() });
    const summary = fifo
      .filter((p) => p.RedrivePolicy)
      .map((p) => ({
        dedup: p.ContentBasedDeduplication,
        visibility: p.VisibilityTimeout,
        receives: Redrive.parse(p.RedrivePolicy).maxReceiveCount,
      }))
      .sort((x, y) => Number(x.visibility) - Number(y.visibility));
    expect(summary).toEqual([
      { dedup: false, visibility: 1800, receives: 3 },
      { dedup: false, visibility: 5400, receives: 3 },
    ]);
    // crawl bodies, crawl batches, browser, parse, alert, cycle: each with a DLQ (6 + 6), plus the
    // scheduler's failed-invocation queue.
    expect(props).toHaveLength(13);
    expect(props.filter((p) => p.RedrivePolicy)).toHaveLength(6);
  });

  it("takes SQS's largest messages (1 MiB) on the crawl-batch queue and its dead-letter queue only: a big host is one message", () => {
    const props = propertiesOf('AWS::SQS::Queue');
    const large = props.filter((p) => p.MaximumMessageSize !== undefined);
    expect(large.map((p) => p.MaximumMessageSize)).toEqual([1_048_576, 1_048_576]);
    // The queue (standard, 90-minute visibility, a redrive policy) and its dead-letter queue.
    const queue = large.find((p) => p.RedrivePolicy);
    expect(queue).toMatchObject({ VisibilityTimeout: 5400 });
    expect(queue?.FifoQueue).toBeUndefined();
  });

  it('runs seven functions on Node 22, arm64 except the browser crawl (x86_64, the only Chromium there is), each with its own role', () => {
    template.resourceCountIs('AWS::Lambda::Function', 7);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: {
        Variables: Match.objectLike({ NIANBAO_TABLE: Match.anyValue(), NIANBAO_LOG_FORMAT: 'json' }),
      },
    });
    const arch = Object.fromEntries(
      Object.entries(FN).map(([k, f]) => [k, FunctionProps.parse(functionByDescription(f)).Architectures]),
    );
    expect(arch).toEqual({
      schedule: ['arm64'],
      crawl: ['arm64'],
      crawlBrowser: ['x86_64'],
      parse: ['arm64'],
      alert: ['arm64'],
      api: ['arm64'],
      mailEvents: ['arm64'],
    });
    // Plain HTTP: small (measured peak RSS with headroom), long enough to walk a batch of whole hosts.
    expect(functionByDescription(FN.crawl)).toMatchObject({ MemorySize: 512, Timeout: 900 });
    expect(FunctionProps.parse(functionByDescription(FN.crawl)).Environment.Variables).toMatchObject({
      NIANBAO_CONCURRENCY: '32',
    });
    // Chromium: its measured peak memory with headroom (infra/cost/browser-memory.ts).
    expect(functionByDescription(FN.crawlBrowser)).toMatchObject({ MemorySize: 1024, Timeout: 300 });
    const roles = Object.values(FN).map(
      (f) => FunctionProps.parse(functionByDescription(f)).Role['Fn::GetAtt'][0],
    );
    expect(new Set(roles).size).toBe(7);
    // No managed policy (AWSLambdaBasicExecutionRole and the like): only the grants below.
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('grants each function only the table, bucket, mail and secret actions it uses', () => {
    const grants = Object.fromEntries(
      Object.entries(FN).map(([k, f]) => [
        k,
        {
          dynamodb: actionsOf(f, 'dynamodb'),
          s3: actionsOf(f, 's3'),
          ses: actionsOf(f, 'ses'),
          secrets: actionsOf(f, 'secretsmanager'),
        },
      ]),
    );
    const read = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
    // DeleteItem only on the partitions the stores delete from (the condition is checked below).
    const readWrite = [
      ...read,
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ].sort();
    const ses = ['ses:SendEmail', 'ses:SendRawEmail'];
    const secret = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
    // Every function reads the registry object (s3:GetObject on that one key).
    const registry = ['s3:GetObject'];
    const archive = { dynamodb: readWrite, s3: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'] };
    expect(grants).toEqual({
      schedule: { dynamodb: [...readWrite, 'dynamodb:Scan'].sort(), s3: registry, ses: [], secrets: [] },
      crawl: { ...archive, ses: [], secrets: [] },
      crawlBrowser: { ...archive, ses: [], secrets: [] },
      parse: {
        dynamodb: readWrite,
        s3: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
        ses: [],
        secrets: [],
      },
      alert: { dynamodb: readWrite, s3: registry, ses, secrets: [] },
      // The confirmation mail of POST /subscriptions, the admin token at run time, and the registry
      // object written by PUT /admin/registry/:bodyId (that one key: the test below).
      api: { dynamodb: readWrite, s3: [...registry, 's3:PutObject'], ses, secrets: secret },
      mailEvents: { dynamodb: readWrite, s3: registry, ses: [], secrets: [] },
    });
    // Nothing may delete an archived object or a version, nor a report, revision, check-log entry or
    // alert: DeleteItem only in statements of its own, limited to DELETABLE_PREFIXES' partition keys.
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties
          .PolicyDocument.Statement,
    );
    const actionsIn = (st: Record<string, unknown>) => [st.Action].flat().map(String);
    expect(statements.flatMap(actionsIn).filter((a) => /^s3:.*Delete|\*/.test(a))).toEqual([]);
    const deleting = statements.filter((st) => actionsIn(st).some((a) => /^dynamodb:.*Delete/.test(a)));
    expect(deleting.length).toBe(7);
    for (const st of deleting) {
      expect(actionsIn(st)).toEqual(['dynamodb:DeleteItem']);
      expect(st.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PENDING#*', 'SWEEP#*', 'SENT#*', 'SUB#*'] },
      });
    }
  });

  it('keeps the admin token out of the environment: only its secret ARN is there', () => {
    const env = FunctionProps.parse(functionByDescription(FN.api)).Environment.Variables;
    expect(Object.keys(env).filter((k) => k.includes('ADMIN_TOKEN'))).toEqual([
      'NIANBAO_ADMIN_TOKEN_SECRET_ARN',
    ]);
    expect(JSON.stringify(template.toJSON())).not.toContain('resolve:secretsmanager');
  });

  it('gives each function only the queues it sends to', () => {
    const queueVariables = (fragment: string) =>
      Object.keys(FunctionProps.parse(functionByDescription(fragment)).Environment.Variables)
        .filter((k) => k.endsWith('_QUEUE_URL'))
        .sort();
    expect(Object.fromEntries(Object.entries(FN).map(([k, f]) => [k, queueVariables(f)]))).toEqual({
      schedule: [
        'NIANBAO_ALERT_QUEUE_URL',
        'NIANBAO_CRAWL_BATCH_QUEUE_URL',
        'NIANBAO_CRAWL_QUEUE_URL',
        'NIANBAO_CYCLE_QUEUE_URL',
      ],
      // The crawl-batch queue: a walk out of time hands the rest of each host on there.
      crawl: [
        'NIANBAO_ALERT_QUEUE_URL',
        'NIANBAO_BROWSER_QUEUE_URL',
        'NIANBAO_CRAWL_BATCH_QUEUE_URL',
        'NIANBAO_CRAWL_QUEUE_URL',
        'NIANBAO_PARSE_QUEUE_URL',
      ],
      // Its "crawl queue" is the browser queue: continuations stay with Chromium.
      crawlBrowser: ['NIANBAO_ALERT_QUEUE_URL', 'NIANBAO_CRAWL_QUEUE_URL', 'NIANBAO_PARSE_QUEUE_URL'],
      parse: ['NIANBAO_ALERT_QUEUE_URL'],
      // Its own queue: admin alerts it raises, robot posts held back by a limit sent again later.
      alert: ['NIANBAO_ALERT_QUEUE_URL'],
      // Every work queue: the admin page's depths and dead letters (requeued letters are sent back there).
      api: [
        'NIANBAO_ALERT_QUEUE_URL',
        'NIANBAO_BROWSER_QUEUE_URL',
        'NIANBAO_CRAWL_BATCH_QUEUE_URL',
        'NIANBAO_CRAWL_QUEUE_URL',
        'NIANBAO_CYCLE_QUEUE_URL',
        'NIANBAO_PARSE_QUEUE_URL',
      ],
      mailEvents: [],
    });
  });

  it('consumes every work queue (crawl batches, crawl bodies, browser, parse, alert, cycle) with partial batch failure reporting', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 6);
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // The crawl's concurrency: every crawl-tick batch of 100,000 bodies at once (1,000 whole hosts'
    // bodies a batch), few bodies in Chromium.
    const concurrency = propertiesOf('AWS::Lambda::EventSourceMapping')
      .map((p) => (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency)
      .filter((c) => c !== undefined)
      .sort((a, b) => a - b);
    expect(concurrency).toEqual([5, 5, 20, 100]);
  });

  it('sets the registry key on every function and grants reading that one object', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NIANBAO_REGISTRY_S3_KEY: 'registry/bodies.json' }) },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    // Seven functions read it; the API writes it too (PUT /admin/registry/:bodyId).
    expect(policies.match(/\/registry\/bodies\.json"/g)?.length).toBe(8);
    expect(policies).not.toMatch(/registry\/\*/);
  });

  it('throttles the API per route: subscriptions and admin calls below the stage limit', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'POST /subscriptions': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 5 },
        'POST /admin/recrawl': { ThrottlingRateLimit: 0.2, ThrottlingBurstLimit: 2 },
      },
    });
  });

  it('alarms to the SNS topic on every DLQ, queue age, errors and throttles of functions no queue speaks for, and no successful crawl in 24 h', () => {
    const alarms = propertiesOf('AWS::CloudWatch::Alarm');
    const by = (metric: string) => alarms.filter((a) => a.MetricName === metric).length;
    expect({
      deadLetters: by('ApproximateNumberOfMessagesVisible'),
      oldestMessage: by('ApproximateAgeOfOldestMessage'),
      errors: by('Errors'),
      throttles: by('Throttles'),
      noCrawl: by('SuccessfulCrawls'),
    }).toEqual({ deadLetters: 7, oldestMessage: 6, errors: 3, throttles: 3, noCrawl: 1 });
    // Errors and throttles alarms: exactly the functions that something other than an SQS queue invokes
    // (API Gateway, the scheduler, SNS); a queue-only consumer's failures reach its queue's alarms.
    const functions = template.findResources('AWS::Lambda::Function');
    const queueFed = new Set(
      Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map(
        (m) => (m.Properties.FunctionName as { Ref: string }).Ref,
      ),
    );
    const invokedOtherwise = Object.keys(template.findResources('AWS::Lambda::Permission')).length
      ? new Set(
          Object.values(template.findResources('AWS::Lambda::Permission')).map(
            (p) =>
              (p.Properties.FunctionName as { 'Fn::GetAtt'?: string[]; Ref?: string })['Fn::GetAtt']?.[0] ??
              (p.Properties.FunctionName as { Ref?: string }).Ref,
          ),
        )
      : new Set<string>();
    const scheduled = JSON.stringify(template.findResources('AWS::Scheduler::Schedule'));
    const alarmed = new Set(
      alarms
        .filter((a) => a.MetricName === 'Errors')
        .map((a) => (a.Dimensions as Array<{ Value: { Ref: string } }>)[0]?.Value.Ref),
    );
    expect([Object.keys(functions).length, queueFed.size]).toEqual([7, 5]);
    for (const id of Object.keys(functions)) {
      const otherwise = invokedOtherwise.has(id) || scheduled.includes(id);
      expect([id, alarmed.has(id)]).toEqual([id, otherwise || !queueFed.has(id)]);
    }
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SuccessfulCrawls',
      Period: 21_600,
      EvaluationPeriods: 4,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern:
        '{ $.message = "crawl finished" && ($.crawlStatus = "ok" || $.crawlStatus = "unchanged") }',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: SETTINGS.alarmEmail,
    });
  });

  it('mails through SES with an identity and a configuration set whose bounces and complaints reach the mail-events function', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'watch.example.org',
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: Match.anyValue() },
      }),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    expect(FunctionProps.parse(functionByDescription(FN.alert)).Environment.Variables).toMatchObject({
      NIANBAO_MAIL_TRANSPORT: 'ses',
      NIANBAO_SES_CONFIGURATION_SET: 'nianbao-watch',
      NIANBAO_MAIL_FROM: SETTINGS.mailFrom,
    });
  });

  it('runs the cycle daily on Beijing time: redrive, crawl tick, sweep', () => {
    const summary = propertiesOf('AWS::Scheduler::Schedule')
      .map((p) => ScheduleProps.parse(p))
      .map((s) => ({
        expression: s.ScheduleExpression,
        timezone: s.ScheduleExpressionTimezone,
        input: s.Target.Input,
      }))
      .sort((a, b) => a.input.localeCompare(b.input));
    expect(summary).toEqual([
      { expression: 'cron(0 2 * * ? *)', timezone: 'Asia/Shanghai', input: '{"task":"crawl"}' },
      { expression: 'cron(0 9 * * ? *)', timezone: 'Asia/Shanghai', input: '{"task":"digest"}' },
      { expression: 'cron(30 1 * * ? *)', timezone: 'Asia/Shanghai', input: '{"task":"redrive"}' },
      { expression: 'cron(0 8 * * ? *)', timezone: 'Asia/Shanghai', input: '{"task":"sweep"}' },
    ]);
  });

  it('makes every route of the Hono app an API Gateway route, /subscriptions/confirm included', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const gateway = propertiesOf('AWS::ApiGatewayV2::Route')
      .map((r) => String(r.RouteKey))
      .sort();
    const app = apiRoutes()
      .map((r) => `${r.method} ${gatewayPath(r.path)}`)
      .sort();
    expect(gateway).toEqual(app);
    expect(gateway).toContain('GET /subscriptions/confirm');
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { PayloadFormatVersion: '2.0' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('outputs the API URL, table, bucket, alarm topic and admin token secret', () => {
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    for (const name of ['ApiUrl', 'TableName', 'ArchiveBucket', 'AlarmTopic', 'ApiAdminTokenSecret']) {
      expect(outputs.some((o) => o.startsWith(name))).toBe(true);
    }
  });
});

describe('PipelineSettings', () => {
  it('requires the sender, the admin and alarm addresses and the mail transport: no example defaults', () => {
    const parsed = PipelineSettings.safeParse({});
    expect(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'adminEmail',
      'alarmEmail',
      'mailFrom',
      'mailTransport',
    ]);
  });
});
