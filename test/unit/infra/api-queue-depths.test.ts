import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NianbaoStack, PipelineSettings } from '../../../infra/stack.ts';
import { SETTINGS } from './settings.ts';

/**
 * The API function may read the depth of the queues it sends to and of their dead-letter queues
 * (sqs:GetQueueAttributes, for GET /admin/queues), read and requeue those dead letters, and write the
 * registry object: nothing more.
 */
describe('the API function: queue depths, dead letters, registry writes', () => {
  let template: Template;
  let stack: NianbaoStack;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new NianbaoStack(app, 'Test', { settings: PipelineSettings.parse(SETTINGS) });
    template = Template.fromStack(stack);
  });

  it('lets the API read every work queue and its dead letters (depths, dead letters), only the API', () => {
    const logicalId = (q: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(q.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);
    // The six work queues: crawl bodies, crawl batches, browser, parse, alert, cycle.
    const work = [
      stack.crawl.queue,
      stack.crawl.batches,
      stack.crawl.browserQueue,
      stack.parse.queue,
      stack.alert.queue,
      stack.schedule.cycle,
    ];
    const expected = work
      .flatMap((w) => [w.queue, w.deadLetters])
      .map(logicalId)
      .sort();
    expect(new Set(expected).size).toBe(12);

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
    // The dead-letter queues: counted, read without being consumed, emptied of what is requeued; nothing
    // is sent there and nothing purged (GET /admin/dead-letters, POST /admin/dead-letters/requeue).
    const dead = work.map((w) => logicalId(w.deadLetters));
    const onDead = policies
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === apiRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => targets(s).some((t) => dead.includes(t)));
    expect([...new Set(onDead.flatMap((s) => [s.Action].flat()))].sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    // Their source queues: requeued letters are sent there; nothing is received or deleted from them.
    const sources = work.map((w) => logicalId(w.queue));
    const onSources = policies
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === apiRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => targets(s).some((t) => sources.includes(t)))
      .flatMap((s) => [s.Action].flat());
    for (const source of sources) {
      const actions = policies
        .filter((p) => p.Properties.Roles.some((r) => r.Ref === apiRole))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s) => targets(s).includes(source))
        .flatMap((s) => [s.Action].flat());
      expect(actions).toContain('sqs:SendMessage');
    }
    expect(onSources.filter((a) => /Receive|Delete|Purge/.test(a))).toEqual([]);
  });

  it('lets the API write the registry object and no other object (PUT /admin/registry/:bodyId)', () => {
    const apiRole = stack.getLogicalId(
      stack.api.fn.role?.node.defaultChild as Parameters<typeof stack.getLogicalId>[0],
    );
    type Statement = { Action: string | string[]; Resource: unknown };
    const statements = (
      Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
        Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } };
      }>
    )
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === apiRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const puts = statements.filter((s) => [s.Action].flat().includes('s3:PutObject'));
    const bucket = stack.getLogicalId(
      stack.storage.bucket.node.defaultChild as Parameters<typeof stack.getLogicalId>[0],
    );
    expect(puts.map((s) => s.Resource)).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/registry/bodies.json']] },
    ]);
    // Reading it: granted by the stack to every function.
    const gets = statements.filter((s) => [s.Action].flat().includes('s3:GetObject'));
    expect(gets.map((s) => s.Resource)).toContainEqual(puts[0]?.Resource);
  });
});
