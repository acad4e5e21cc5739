import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatesDigest } from '#shared/evidence/candidate-ref.ts';
import { recomputeHash } from '#shared/evidence/check-chain.ts';
import { chainPath, provingEntries } from '#shared/evidence/proof-select.ts';
import { storedEntries, verifyStore } from '#shared/evidence/verify-store.ts';
import type { Runtime } from '#shared/local/runtime.ts';
import { recentChecks } from '#shared/read/bodies.ts';
import { listChecks, listChecksBetween } from '#shared/store/crawl-state.ts';
import { startCountySite } from '#test/support/county-site.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import type { Site } from '#test/support/site-server.ts';

const REPORTS = 10;
const YEARS = Array.from({ length: REPORTS }, (_, i) => 2023 - i);

/**
 * A listing of 10 annual reports (the cost model's body) crawled three times on the real embedded runtime:
 * the first check keeps the candidate list, the unchanged checks after it keep a reference to that entry
 * (docs/evidence.md, "Candidate lists by reference"), stored under 1 KB (1 WRU), and every reader gets the
 * list back as it was. Then the referenced list is edited behind the program's back.
 */
describe('an unchanged check keeps its candidate list by reference', () => {
  let site: Site;
  let t: TestRuntime;
  let rt: Runtime;
  let bodyId: string;
  // Item bytes as infra/cost/crawl-memory.ts measures them: the stored item's JSON, keys included.
  const rawItems = async () =>
    (
      await rt.ctx.repo.db.send(
        new QueryCommand({
          TableName: rt.ctx.repo.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `BODY#${bodyId}`, ':sk': 'CHECK#' },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];

  beforeAll(async () => {
    const county = await startCountySite('110101', () =>
      YEARS.map((y) => ({
        href: `/col/${y}/t${y + 1}0115_1.html`,
        title: `测试县人民政府${y}年政府信息公开工作年度报告`,
      })),
    );
    site = county.site;
    const body = county.body;
    bodyId = body.id;
    t = await startCrawlRuntime([body], { NIANBAO_TODAY: '2025-06-01' }, undefined, ['crawl']);
    rt = t.rt;
    for (let i = 0; i < 3; i += 1) await crawlOnce(rt);
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('stores the unchanged checks under 1 KB, each referring to the entry that holds the list', async () => {
    const items = await rawItems();
    expect(items.map((i) => i.outcome)).toEqual(['read', 'not-modified', 'not-modified']);
    const [first, second, third] = items as Array<Record<string, unknown>>;
    const candidates = first?.candidates as Array<{ year: number }>;
    // In URL order, whichever order the listing gave them.
    expect(candidates.map((c) => c.year)).toEqual([...YEARS].sort());
    expect(first?.candidatesDigest).toBe(candidatesDigest(candidates));
    expect(first?.candidatesFrom).toBeUndefined();
    // One hop: the third names the holder (seq 1), not the second entry, which holds no list.
    for (const e of [second, third]) {
      expect(e?.candidates).toBeUndefined();
      expect(e?.candidatesFrom).toEqual({ at: first?.at, seq: 1 });
      expect(e?.candidatesDigest).toBe(first?.candidatesDigest);
      expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThanOrEqual(1024);
    }
    // The holder itself weighs what every unchanged check weighed before (3 WRU).
    expect(Buffer.byteLength(JSON.stringify(first))).toBeGreaterThan(2048);
  });

  it('every reader gets the candidate list back as the first check recorded it', async () => {
    const items = await rawItems();
    const list = items[0]?.candidates;
    const newest = await listChecks(rt.ctx.repo, bodyId, 2);
    expect(newest.map((e) => e.outcome)).toEqual(['not-modified', 'not-modified']);
    for (const e of newest) expect(e.candidates).toEqual(list);
    const between = await listChecksBetween(rt.ctx.repo, bodyId, '2000-01-01', '2100-01-01');
    expect(between).toHaveLength(3);
    for (const e of between) expect(e.candidates).toEqual(list);
    const recent = await recentChecks(rt.ctx, bodyId);
    expect(recent.map((c) => c.candidates)).toEqual([REPORTS, REPORTS, REPORTS]);
    // Proof selection reads the list from the holder: the latest check that listed 2023 is the third.
    const stored = await storedEntries(rt.ctx.repo, bodyId);
    const proving = provingEntries(
      stored,
      2023,
      new Date().toISOString(),
      `${site.origin}/col/2023/t20240115_1.html`,
    );
    expect(proving.map((p) => p.seq)).toEqual([1, 3]);
    // A package path starting at entry 3 carries entry 1, whose list it refers to.
    const path = chainPath(bodyId, stored, [{ seq: 3, at: String(stored[2]?.at), why: 'test' }], []);
    expect(path.entries.map((e) => (e.chain as { seq: number }).seq)).toEqual([3]);
    expect(path.referenced?.map((e) => e.at)).toEqual([stored[0]?.at]);
  });

  it('the chain verifies; an edited referenced list is a list-mismatch, even with its hash recomputed', async () => {
    expect((await verifyStore(rt.ctx.repo, [bodyId])).bodies[0]).toMatchObject({ entries: 3, breaks: [] });
    const [first] = await storedEntries(rt.ctx.repo, bodyId);
    const list = first?.candidates as Array<{ title: string }>;
    const edited = list.slice(1);
    const chain = first?.chain as { seq: number; prev: string | null; hash: string };
    const update = (candidates: unknown, hash: string) =>
      rt.ctx.repo.db.send(
        new UpdateCommand({
          TableName: rt.ctx.repo.table,
          Key: { pk: `BODY#${bodyId}`, sk: `CHECK#${first?.at}` },
          UpdateExpression: 'SET candidates = :c, chain = :h',
          ExpressionAttributeValues: { ':c': candidates, ':h': { ...chain, hash } },
        }),
      );
    // The 2023 report dropped from the list that the later checks refer to.
    await update(edited, chain.hash);
    const v = await verifyStore(rt.ctx.repo, [bodyId]);
    expect(v.ok).toBe(false);
    expect(v.bodies[0]?.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['edited', 1],
      ['list-mismatch', 2],
      ['list-mismatch', 3],
    ]);
    // Readers never take the edited list for the referring checks': those are left out.
    expect((await listChecks(rt.ctx.repo, bodyId)).map((e) => e.chain?.seq)).toEqual([1]);
    // The holder re-sealed over the edited list and the digest left: the referring entries still break.
    await update(edited, recomputeHash({ ...first, candidates: edited }));
    const w = await verifyStore(rt.ctx.repo, [bodyId]);
    expect(w.bodies[0]?.breaks.map((b) => b.kind)).toEqual(
      expect.arrayContaining(['prev-mismatch', 'list-mismatch', 'list-mismatch']),
    );
    await update(list, chain.hash);
    expect((await verifyStore(rt.ctx.repo, [bodyId])).bodies[0]?.breaks).toEqual([]);
  });
});
