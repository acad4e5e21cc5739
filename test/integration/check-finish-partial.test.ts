import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedEntries, verifyStore } from '#shared/evidence/verify-store.ts';
import type { Runtime } from '#shared/local/runtime.ts';
import { listLinks } from '#shared/store/link-batch.ts';
import { startCountySite } from '#test/support/county-site.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { addMiddleware, observeCommands } from '#test/support/sdk-middleware.ts';
import type { Site } from '#test/support/site-server.ts';

type BatchInput = { RequestItems: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> };
// The document client's commands reach the middleware as the low-level ones, attribute values marshalled.
const skOf = (r: { PutRequest: { Item: Record<string, unknown> } }) => {
  const sk = r.PutRequest.Item.sk as { S?: string } | string;
  return typeof sk === 'string' ? sk : String(sk.S);
};
const isCheck = (r: { PutRequest: { Item: Record<string, unknown> } }) => skOf(r).startsWith('CHECK#');

/**
 * The crawl's last write: its changed links, the check-log entry, the body's state and the closed walk in one
 * BatchWriteItem (not atomic). A first check of a body asks no COUNT; a crash part way through that write
 * (some items written, the rest not, the crawl retried by its queue) neither forks the chain nor loses an
 * entry, whichever part was written.
 */
describe("the check's one BatchWriteItem", () => {
  let site: Site;
  let t: TestRuntime;
  let rt: Runtime;
  let bodyId: string;
  let listing = ['2024', '2023'];
  const commands: Array<{ name: string; input: unknown }> = [];
  /** Set to 'check' or 'rest': the next finishing BatchWriteItem writes only the other part, then fails. */
  let crash: 'check' | 'rest' | null = null;

  beforeAll(async () => {
    const county = await startCountySite('110102', () =>
      listing.map((y) => ({
        href: `/col/${y}.html`,
        title: `测试县人民政府${y}年政府信息公开工作年度报告`,
      })),
    );
    site = county.site;
    const body = county.body;
    bodyId = body.id;
    t = await startCrawlRuntime([body], { NIANBAO_TODAY: '2025-06-01' }, undefined, ['crawl']);
    rt = t.rt;
    observeCommands(rt.ctx.repo.db, 'recordCommands', (name, input) => commands.push({ name, input }));
    addMiddleware(
      rt.ctx.repo.db,
      (next, context) => async (args) => {
        const input = args.input as BatchInput;
        const puts =
          context.commandName === 'BatchWriteItemCommand' ? Object.values(input.RequestItems)[0] : undefined;
        if (!crash || !puts?.some(isCheck)) return next(args);
        // Only one part of the request is processed; then the process "dies" before the next round.
        const kept = puts.filter((r) => (crash === 'check' ? isCheck(r) : !isCheck(r)));
        crash = null;
        await next({ ...args, input: { RequestItems: { [rt.ctx.repo.table]: kept } } });
        throw new Error('crashed between BatchWriteItem rounds');
      },
      { step: 'initialize', name: 'partialFinish' },
    );
    delete (rt.ctx.repo.db as unknown as { handlers?: unknown }).handlers;
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it("a body's first check asks no COUNT and writes its links and entry in one BatchWriteItem", async () => {
    commands.length = 0;
    await crawlOnce(rt);
    const queries = commands
      .filter((c) => c.name === 'QueryCommand')
      .map((c) => c.input as { Select?: string });
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.filter((q) => q.Select === 'COUNT')).toEqual([]);
    const finishing = commands
      .filter((c) => c.name === 'BatchWriteItemCommand')
      .map((c) => Object.values((c.input as BatchInput).RequestItems)[0] ?? [])
      .filter((puts) => puts.some(isCheck));
    expect(finishing).toHaveLength(1);
    const sks = (finishing[0] ?? []).map((r) => skOf(r).split('#')[0]);
    expect(sks.filter((k) => k === 'LINK')).toHaveLength(2);
    expect(sks).toEqual(expect.arrayContaining(['CHECK', 'META']));
    expect((await storedEntries(rt.ctx.repo, bodyId))[0]).toMatchObject({ chainStart: { earlier: 0 } });
  });

  for (const part of ['check', 'rest'] as const) {
    it(`a crash after only ${part === 'check' ? 'the entry' : 'the links and state'} was written: retried, no fork, nothing lost`, async () => {
      const before = await storedEntries(rt.ctx.repo, bodyId);
      listing = [...listing, String(2022 - before.length)];
      crash = part;
      await crawlOnce(rt);
      expect(crash).toBeNull();
      const after = await storedEntries(rt.ctx.repo, bodyId);
      // The crashed crawl's entry (when it was written) and the retried crawl's, on one chain.
      expect(after.length).toBe(before.length + (part === 'check' ? 2 : 1));
      expect(after.map((e) => (e.chain as { seq: number }).seq)).toEqual(after.map((_, i) => i + 1));
      expect((await verifyStore(rt.ctx.repo, [bodyId])).bodies[0]?.breaks).toEqual([]);
      // The new report link is stored, and the newest entry lists it.
      const links = await listLinks(rt.ctx.repo, bodyId);
      expect(links.size).toBe(listing.length);
      const newest = after.at(-1) as { candidates?: unknown[]; candidatesFrom?: unknown };
      expect(newest.candidates ?? newest.candidatesFrom).toBeDefined();
      expect((await rt.ctx.repo.getBodyState(bodyId)).lastCheck?.at).toBe(String(after.at(-1)?.at));
    });
  }
});
