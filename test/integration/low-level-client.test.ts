import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPut } from '#shared/store/batch-write.ts';
import { lowLevelClient } from '#shared/store/clients.ts';
import { queryBetween } from '#shared/store/query-all.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';

/**
 * The crawl's hot calls (Query pages, BatchWriteItem) go through a low-level client with cached handlers
 * beside the document client (shared/store/clients.ts), marshalled by util-dynamodb. What they write and
 * read must be exactly what the document client writes and reads, on the embedded dynalite.
 */
describe('the low-level client beside the document client', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startCrawlRuntime([]);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An item with what marshalling can get wrong: undefined (left out), nesting, numbers, empty values. */
  const item = (sk: string) => ({
    pk: 'TEST#low-level',
    sk,
    text: '政府信息公开工作年度报告',
    empty: '',
    count: 3,
    ratio: 0.25,
    negative: -7,
    yes: true,
    no: false,
    nothing: null,
    gone: undefined,
    list: [1, 'two', { three: 3, gone: undefined }],
    map: { a: { b: ['c'] }, gone: undefined },
    emptyList: [],
    emptyMap: {},
  });

  it('is a separate client that caches its handlers', () => {
    const db = t.rt.ctx.repo.db;
    const low = lowLevelClient(db);
    expect(low).not.toBe(db);
    expect(t.rt.ctx.repo.lowLevel).toBe(low);
    expect(low.config.cacheMiddleware).toBe(true);
    // One connection pool: the document client's request handler.
    expect(low.config.requestHandler).toBe(db.config.requestHandler);
  });

  it('writes through BatchWriteItem what the document client puts, and reads back what it reads', async () => {
    const repo = t.rt.ctx.repo;
    const seen: string[] = [];
    const watch = observeCommands(repo.db, 'watchLowLevel', (name) => seen.push(name));
    await repo.db.send(new PutCommand({ TableName: repo.table, Item: item('A') }));
    await batchPut(repo, [item('B')]);
    const get = async (sk: string) =>
      (
        await repo.db.send(
          new GetCommand({ TableName: repo.table, Key: { pk: 'TEST#low-level', sk }, ConsistentRead: true }),
        )
      ).Item;
    const a = await get('A');
    const b = await get('B');
    expect(b).toEqual({ ...a, sk: 'B' });
    expect(b).not.toHaveProperty('gone');
    expect(b?.map).toEqual({ a: { b: ['c'] } });

    const viaLow = await queryBetween(repo, 'TEST#low-level', 'A', 'B');
    const viaDoc = (
      await repo.db.send(
        new QueryCommand({
          TableName: repo.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': 'TEST#low-level', ':a': 'A', ':b': 'B' },
          ConsistentRead: true,
        }),
      )
    ).Items;
    expect(viaLow).toEqual(viaDoc);
    expect(viaLow.map((i) => i.sk)).toEqual(['A', 'B']);
    // The hot calls were seen on the low-level client (the test helper watches both stacks).
    expect(seen).toContain('BatchWriteItemCommand');
    expect(seen.filter((n) => n === 'QueryCommand').length).toBe(2);
    expect(watch.seen()).toBe(seen.length);
  });
});
