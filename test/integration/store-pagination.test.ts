import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { batchPut } from '#shared/store/batch-write.ts';
import { readCrawlStart } from '#shared/store/crawl-state.ts';
import { listLinks, putLinks } from '#shared/store/link-batch.ts';
import type { LinkItem } from '#shared/store/records.ts';
import { keys } from '#shared/store/table.ts';
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

  it("reads a crawl's start (every link, the state, the open walk) in one range past one page, and nothing else", async () => {
    // Prepare: the 400 large links above, and beside them every other kind of item a body's partition holds.
    const pk = `BODY#${body.id}`;
    const walk = {
      bodyId: body.id,
      startedAt: '2026-04-02T00:00:00.000Z',
      queue: ['p2'],
      read: [],
      unread: [],
    };
    await batchPut(t.rt.ctx.repo, [
      { ...keys.body(body.id), bodyId: body.id, consecutiveFailures: 2 },
      { ...keys.walk(body.id), ...walk, pastOldest: false, done: false },
      // A walk under the key used before `META#WALK`: not read (the listing is then read afresh).
      { pk, sk: 'WALK', ...walk, startedAt: '2026-03-01T00:00:00.000Z' },
      { pk, sk: 'CHECK#2026-04-01T00:00:00.000Z', bodyId: body.id },
      { pk, sk: 'REPORT#2023', bodyId: body.id, year: 2023 },
    ]);
    // Act
    const start = await readCrawlStart(t.rt.ctx.repo, body.id);
    // Assess
    expect(start.links.size).toBe(400);
    expect([...start.links.values()].every((l) => l.bodyId === body.id && l.url.endsWith('.html'))).toBe(
      true,
    );
    expect(start.state).toMatchObject({ bodyId: body.id, consecutiveFailures: 2 });
    expect(start.walk).toMatchObject({ startedAt: '2026-04-02T00:00:00.000Z', queue: ['p2'] });
  });

  it('a fresh body: no links, a fresh state, no walk; a finished walk is not resumed', async () => {
    const other = 'fresh-1';
    expect(await readCrawlStart(t.rt.ctx.repo, other)).toEqual({
      state: { bodyId: other, consecutiveFailures: 0 },
      walk: null,
      links: new Map(),
    });
    await batchPut(t.rt.ctx.repo, [
      {
        ...keys.walk(other),
        bodyId: other,
        startedAt: '2026-04-02T00:00:00.000Z',
        queue: [],
        read: [],
        unread: [],
        done: true,
      },
    ]);
    expect((await readCrawlStart(t.rt.ctx.repo, other)).walk).toBeNull();
  });
});
