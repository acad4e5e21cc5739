import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEntry } from '#shared/evidence/check-chain.ts';
import { recordDailyRoot } from '#shared/evidence/daily-root.ts';
import { formatStoreVerification, storedEntries, verifyStore } from '#shared/evidence/verify-store.ts';
import type { Runtime } from '#shared/local/runtime.ts';
import { type CmsPortal, startCmsPortal } from '#test/support/cms-portal.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';

/**
 * Adversarial review of issue 16: check-log tampering in the store by an operator with table access
 * (real embedded runtime, three crawls of the TRS site with a simulated --today), each undone afterwards.
 */
describe('adv16: check-log tampering in the store', () => {
  let portal: CmsPortal;
  let t: TestRuntime;
  let rt: Runtime;
  let bodyId: string;
  beforeAll(async () => {
    portal = await startCmsPortal(['trs']);
    const body = { ...portal.sites.trs.bodies[0]!, render: 'http' as const };
    bodyId = body.id;
    t = await startCrawlRuntime([body], { NIANBAO_TODAY: '2025-06-01' }, undefined, ['crawl']);
    rt = t.rt;
    for (let i = 0; i < 3; i += 1) await crawlOnce(rt);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });
  const key = (at: string) => ({ pk: `BODY#${bodyId}`, sk: `CHECK#${at}` });
  const put = (item: Record<string, unknown>) =>
    rt.ctx.repo.db.send(new PutCommand({ TableName: rt.ctx.repo.table, Item: item }));
  const del = (k: Record<string, string>) =>
    rt.ctx.repo.db.send(new DeleteCommand({ TableName: rt.ctx.repo.table, Key: k }));

  it('the untouched log is intact (not verified: no daily root yet)', async () => {
    const v = await verifyStore(rt.ctx.repo, [bodyId]);
    expect(v).toMatchObject({ ok: true, verified: false });
    expect(formatStoreVerification(v).at(-1)).toBe(
      'NOT verified: the check log agrees with itself, but no daily root has been recorded',
    );
  });

  it('S1 a forged entry appended with a recomputed hash but dated before the entries it follows is a break', async () => {
    const entries = await storedEntries(rt.ctx.repo, bodyId);
    const first = entries[0]!;
    const headLink = entries.at(-1)!.chain as { seq: number; hash: string };
    const at = new Date(Date.parse(first.at as string) + 1).toISOString();
    const { chain: _c, chainStart: _s, ...body } = first as Record<string, unknown>;
    const pages = (first.pages as Array<Record<string, unknown>>).map((p) => ({ ...p, years: [] }));
    const forged = sealEntry({ ...body, at, candidates: [], pages }, headLink);
    await put({ ...key(at), ...forged });
    try {
      const v = await verifyStore(rt.ctx.repo, [bodyId]);
      expect(v.ok).toBe(false);
      expect(v.bodies[0]?.breaks.map((b) => b.kind)).toContain('time-order');
    } finally {
      await del(key(at));
    }
  });

  it('S2 stripping the chain link from every entry (no daily root yet) is not verified: not covered', async () => {
    const entries = await storedEntries(rt.ctx.repo, bodyId);
    const saved = entries.map((e) => ({ at: e.at as string, chain: e.chain }));
    const update = (at: string, expression: string, values?: Record<string, unknown>) =>
      rt.ctx.repo.db.send(
        new UpdateCommand({
          TableName: rt.ctx.repo.table,
          Key: key(at),
          UpdateExpression: expression,
          ExpressionAttributeValues: values,
        }),
      );
    for (const e of saved) await update(e.at, 'REMOVE chain');
    try {
      const v = await verifyStore(rt.ctx.repo, [bodyId]);
      const lines = formatStoreVerification(v);
      expect(v.ok).toBe(false);
      expect(lines.join('\n')).toMatch(/not covered/);
      expect(lines.join('\n')).not.toMatch(/^verified/m);
    } finally {
      for (const s of saved) await update(s.at, 'SET chain = :c', { ':c': s.chain });
    }
  });

  it('S3 a forged unlinked entry dated before the chain began is a break, not legacy', async () => {
    const first = (await storedEntries(rt.ctx.repo, bodyId))[0]!;
    const at = '2025-01-05T03:00:00.000Z';
    const { chain: _c, chainStart: _s, ...body } = first as Record<string, unknown>;
    await put({ ...key(at), ...body, at });
    try {
      const v = await verifyStore(rt.ctx.repo, [bodyId]);
      expect(v.ok).toBe(false);
      expect(v.bodies[0]?.legacy).toBe(0);
      expect(v.bodies[0]?.breaks.map((b) => b.kind)).toEqual(['unsealed']);
    } finally {
      await del(key(at));
    }
  });

  it('the daily root is dated by the real time of recording, not the simulated --today', async () => {
    const root = await recordDailyRoot(rt.ctx);
    expect(root.date).not.toBe('2025-06-01');
    expect(root.date).toBe(new Date(Date.parse(root.at) + 8 * 3600_000).toISOString().slice(0, 10));
    expect((await verifyStore(rt.ctx.repo, [bodyId])).ok).toBe(true);
  });

  it('a root labelled with a date months before it was computed is a ✗', async () => {
    const real = await recordDailyRoot(rt.ctx);
    const date = '2025-01-05';
    const item = { pk: 'ROOT', sk: `ROOT#${date}`, ...real, date };
    const leaves = await rt.ctx.repo.db.send(
      new PutCommand({
        TableName: rt.ctx.repo.table,
        Item: {
          pk: `ROOT#${date}`,
          sk: `LEAVES#${real.at}#00000`,
          leaves: [
            {
              bodyId,
              seq: 3,
              hash: ((await storedEntries(rt.ctx.repo, bodyId)).at(-1)!.chain as { hash: string }).hash,
            },
          ],
        },
      }),
    );
    expect(leaves).toBeDefined();
    await put(item);
    try {
      const v = await verifyStore(rt.ctx.repo, [bodyId]);
      expect(v.ok).toBe(false);
      const backdated = v.roots.find((r) => r.date === date);
      expect(backdated?.timeProblems.join(' ')).toMatch(/dated 2025-01-05 but was computed/);
      expect(formatStoreVerification(v).join('\n')).toMatch(/TIME ✗/);
    } finally {
      await del({ pk: 'ROOT', sk: `ROOT#${date}` });
      await del({ pk: `ROOT#${date}`, sk: `LEAVES#${real.at}#00000` });
    }
  });
});
