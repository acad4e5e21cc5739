import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NianbaoStack, PipelineSettings } from '../../../infra/stack.ts';
import { SETTINGS } from './settings.ts';

/**
 * A fresh reviewer's probe: crawlHosts hands the rest of a host on in ONE crawl-batch message only when
 * ctx.crawlBatchQueue is set, i.e. when the function's environment names NIANBAO_CRAWL_BATCH_QUEUE_URL
 * (shared/aws/context.ts). Without it handOn falls back to one FIFO message per body. The plain-HTTP
 * crawl function is the one that walks crawl batches and runs out of time, so it must be able to send to
 * the crawl-batch queue.
 */
describe('the plain-HTTP crawl function can hand a host on to the crawl-batch queue', () => {
  let template: ReturnType<Template['toJSON']>;
  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new NianbaoStack(app, 'Test', { settings: PipelineSettings.parse(SETTINGS) });
    template = Template.fromStack(stack).toJSON();
  });

  const resources = () =>
    // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template's resources, read loosely.
    Object.entries(template.Resources as Record<string, { Type: string; Properties?: any }>);
  const batchQueueId = () => {
    const ids = resources()
      .filter(
        ([, r]) =>
          r.Type === 'AWS::SQS::Queue' &&
          r.Properties?.MaximumMessageSize === 1_048_576 &&
          r.Properties?.RedrivePolicy,
      )
      .map(([id]) => id);
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  };
  const crawlFn = () => {
    const found = resources().find(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        String(r.Properties?.Description).includes('crawl by plain HTTP'),
    );
    if (!found) throw new Error('no plain-HTTP crawl function');
    return found;
  };

  it('has NIANBAO_CRAWL_BATCH_QUEUE_URL in its environment (else handOn sends one FIFO message a body)', () => {
    const [, fn] = crawlFn();
    const env = fn.Properties.Environment.Variables as Record<string, unknown>;
    expect(env.NIANBAO_CRAWL_BATCH_QUEUE_URL).toEqual({ Ref: batchQueueId() });
  });

  it('may sqs:SendMessage to the crawl-batch queue', () => {
    const [, fn] = crawlFn();
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const queueId = batchQueueId();
    const statements = resources()
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .filter(([, r]) => (r.Properties.Roles as Array<{ Ref: string }>).some((x) => x.Ref === roleId))
      .flatMap(
        ([, r]) =>
          r.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
      );
    const sends = statements.filter(
      (s) =>
        [s.Action].flat().includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(`"${queueId}"`),
    );
    expect(sends.length).toBeGreaterThan(0);
  });
});
