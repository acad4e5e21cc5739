import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NianbaoStack, PipelineSettings } from '../../../infra/stack.ts';

const Resource = z.object({ Properties: z.record(z.string(), z.unknown()) });
const FunctionProps = z.object({
  Description: z.string(),
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
    const stack = new NianbaoStack(app, 'Test', { settings: PipelineSettings.parse({}) });
    template = Template.fromStack(stack);
  });

  it('keeps the raw archive versioned, encrypted, private and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
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

  it('builds the table from tableDefinition: pk/sk, the byScope GSI, on demand, PITR', () => {
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
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  it('has a FIFO crawl queue without content dedup, a FIFO dead-letter queue, and a DLQ per work queue', () => {
    const props = propertiesOf('AWS::SQS::Queue');
    const fifo = props.filter((p) => p.FifoQueue === true);
    // Crawl queue and its DLQ; the others are standard.
    expect(fifo).toHaveLength(2);
    expect(fifo.filter((p) => p.RedrivePolicy)).toEqual([
      expect.objectContaining({
        ContentBasedDeduplication: false,
        VisibilityTimeout: 1800,
        RedrivePolicy: { deadLetterTargetArn: expect.anything(), maxReceiveCount: 3 },
      }),
    ]);
    // crawl, parse, alert: each with a DLQ (3 + 3) plus the scheduler's failed-invocation queue.
    expect(props).toHaveLength(7);
    expect(props.filter((p) => p.RedrivePolicy)).toHaveLength(3);
  });

  it('runs five functions on Node 22 arm64, the crawl one with 2 GB and 5 minutes', () => {
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), BUCKET_NAME: Match.anyValue() }),
      },
    });
    expect(functionByDescription('crawl one body')).toMatchObject({ MemorySize: 2048, Timeout: 300 });
  });

  it('gives each function only the queues it sends to', () => {
    const queueVariables = (fragment: string) =>
      Object.keys(FunctionProps.parse(functionByDescription(fragment)).Environment.Variables)
        .filter((k) => k.endsWith('_QUEUE_URL'))
        .sort();
    expect({
      schedule: queueVariables('queue the bodies due'),
      crawl: queueVariables('crawl one body'),
      parse: queueVariables('parse one archived page'),
      alert: queueVariables('deliver one alert'),
      api: queueVariables('HTTP API'),
    }).toEqual({
      schedule: ['ALERT_QUEUE_URL', 'CRAWL_QUEUE_URL'],
      crawl: ['ALERT_QUEUE_URL', 'PARSE_QUEUE_URL'],
      parse: ['ALERT_QUEUE_URL'],
      alert: [],
      api: ['CRAWL_QUEUE_URL'],
    });
  });

  it('consumes every work queue with partial batch failure reporting', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('alarms on every dead-letter queue, the scheduler failures and schedule errors', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
  });

  it('ticks the crawl and sweeps the deadlines daily on Beijing time', () => {
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
      { expression: 'cron(0 8 * * ? *)', timezone: 'Asia/Shanghai', input: '{"task":"sweep"}' },
    ]);
  });

  it('serves the HTTP API routes through one Lambda integration', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    expect(
      propertiesOf('AWS::ApiGatewayV2::Route')
        .map((r) => r.RouteKey)
        .sort(),
    ).toEqual(['GET /health', 'GET /status/{bodyId}', 'POST /admin/recrawl', 'POST /subscriptions']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { PayloadFormatVersion: '2.0' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
  });
});
