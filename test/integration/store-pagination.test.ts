import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { listLinks, putLinks } from '#shared/store/link-batch.ts';
import type { LinkItem } from '#shared/store/records.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';

/** More than one 1 MB page of items in one partition: every query must follow LastEvaluatedKey. */
describe('store queries past one page of results', () => {
  let t: TestRuntime;
  let dir: string;
  const body = Body.parse({
    id: '360802',
    name: '吉州区人民政府',
    level: 'district',
    divisionCode: '360802',
    listingUrl: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/index.html',
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-paging-'));
    t = await startCrawlRuntime([body]);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists every link of a body when they fill more than one page', async () => {
    // Prepare: 400 links of ~8 KB each (~3.2 MB), more than DynamoDB's 1 MB page.
    const pad = ' '.concat('x'.repeat(8000));
    const links: LinkItem[] = Array.from({ length: 400 }, (_, i) => ({
      url: `http://www.jzq.gov.cn/zwgk/zfxxgknb/${i}.html`,
      bodyId: body.id,
      title: `吉州区${2000 + (i % 25)}年政府信息公开工作年度报告${pad}`,
      firstSeen: '2026-04-01T00:00:00.000Z',
      year: 2000 + (i % 25),
      state: 'parsed',
      attempts: 0,
      isReport: true,
    }));
    await putLinks(t.rt.ctx.repo, links);
    // Act
    const read = await listLinks(t.rt.ctx.repo, body.id);
    const onePage = await t.rt.ctx.repo.db.send(
      new QueryCommand({
        TableName: t.rt.ctx.repo.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `BODY#${body.id}`, ':sk': 'LINK#' },
      }),
    );
    // Assess: one page really is not all of them (the stand-in enforces the 1 MB limit), and all are read.
    expect(onePage.Items?.length ?? 0).toBeLessThan(400);
    expect(onePage.LastEvaluatedKey).toBeDefined();
    expect(read.size).toBe(400);
  });
});
