import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NianbaoStack, PipelineSettings } from '../../../infra/stack.ts';
import { SETTINGS } from './settings.ts';

/**
 * The API function may read the depth of the queues it sends to and of their dead-letter queues
 * (sqs:GetQueueAttributes, for GET /admin/queues), and nothing more of SQS than sending.
 */
describe('the API function and queue depths', () => {
  let template: Template;
  let stack: NianbaoStack;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new NianbaoStack(app, 'Test', { settings: PipelineSettings.parse(SETTINGS) });
    template = Template.fromStack(stack);
  });

  it('grants sqs:GetQueueAttributes on the crawl and cycle queues and their dead letters, only to the API', () => {
    const logicalId = (q: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(q.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);
    const crawl = stack.crawl.queue;
    const cycle = stack.schedule.cycle;
    const expected = [crawl.queue, crawl.deadLetters, cycle.queue, cycle.deadLetters].map(logicalId).sort();

    const apiRole = stack.getLogicalId(
      stack.api.fn.role?.node.defaultChild as Parameters<typeof stack.getLogicalId>[0],
    );
    type Statement = { Action: string | string[]; Resource: unknown };
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
      Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } };
    }>;
    const reading = (s: Statement) => [s.Action].flat().includes('sqs:GetQueueAttributes');
    const readBy = (p: (typeof policies)[number]) => p.Properties.PolicyDocument.Statement.filter(reading);
    const apiReads = policies
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === apiRole))
      .flatMap(readBy);
    /** The logical ids a statement's resources name (`Fn::GetAtt`), '' for any other form. */
    const targets = (s: Statement) =>
      [s.Resource].flat().map((r) => (r as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? '');
    expect([...new Set(apiReads.flatMap(targets))].sort()).toEqual(expected);
    // The dead-letter queues: readable, nothing more (no receive, no send, no purge).
    const dead = [crawl.deadLetters, cycle.deadLetters].map(logicalId);
    const onDead = policies
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === apiRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => targets(s).some((t) => dead.includes(t)));
    expect([...new Set(onDead.flatMap((s) => [s.Action].flat()))]).toEqual(['sqs:GetQueueAttributes']);
  });
});
