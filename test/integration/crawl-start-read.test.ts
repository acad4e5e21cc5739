import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountySite } from '#test/support/county-site.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';
import type { Site } from '#test/support/site-server.ts';

type QueryInput = { KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, unknown> };
const value = (v: unknown) => (typeof v === 'object' && v !== null && 'S' in v ? (v as { S: string }).S : v);

/**
 * A crawl reads its body's links, state and saved walk in one Query over adjacent sort keys (`LINK#` …
 * `META#WALK`, shared/store/table.ts), not a BatchGetItem and a Query: one call fewer a body on every check.
 */
describe("a crawl's first read", () => {
  let site: Site;
  let t: TestRuntime;
  const commands: Array<{ name: string; input: unknown }> = [];

  beforeAll(async () => {
    const county = await startCountySite('110105', () => [
      { href: '/col/2024.html', title: '测试县人民政府2024年政府信息公开工作年度报告' },
    ]);
    site = county.site;
    t = await startCrawlRuntime([county.body], { NIANBAO_TODAY: '2025-06-01' }, undefined, ['crawl']);
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('is one Query of the range LINK# to META#WALK, on a first check and on an unchanged one', async () => {
    const seen = observeCommands(t.rt.ctx.repo.db, 'recordCommands', (name, input) =>
      commands.push({ name, input }),
    );
    for (const cycle of ['first', 'unchanged']) {
      commands.length = 0;
      await crawlOnce(t.rt);
      const ranges = commands
        .filter((c) => c.name === 'QueryCommand')
        .map((c) => c.input as QueryInput)
        .filter((q) => q.KeyConditionExpression?.includes('BETWEEN'))
        .map((q) => [
          value(q.ExpressionAttributeValues?.[':low']),
          value(q.ExpressionAttributeValues?.[':high']),
        ]);
      expect(ranges, cycle).toEqual([['LINK#', 'META#WALK']]);
      // No BatchGetItem of the body's state: the range read it.
      expect(
        commands.filter((c) => c.name === 'BatchGetItemCommand'),
        cycle,
      ).toEqual([]);
    }
    expect(seen.seen()).toBeGreaterThan(0);
  });
});
