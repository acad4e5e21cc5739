import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '#shared/domain/clock.ts';
import { recomputeHash } from '#shared/evidence/check-chain.ts';
import { getDailyRoot, recordDailyRoot } from '#shared/evidence/daily-root.ts';
import { formatStoreVerification, storedEntries, verifyStore } from '#shared/evidence/verify-store.ts';
import type { Runtime } from '#shared/local/runtime.ts';
import { type CmsPortal, startCmsPortal } from '#test/support/cms-portal.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { startTestTsa, type TestTsa, tsaCertificate } from '#test/support/tsa-server.ts';

/**
 * The check log's hash chain over the real embedded runtime: three crawls of the TRS site (a full read,
 * then two 304 checks), a daily root timestamped by a local TSA, then one stored entry edited or deleted
 * behind the program's back (a DynamoDB UpdateItem/DeleteItem, as an operator with table access could).
 */
describe('tamper-evident check log', () => {
  let portal: CmsPortal;
  let t: TestRuntime;
  let tsa: TestTsa;
  let rt: Runtime;
  let bodyId: string;
  beforeAll(async () => {
    tsa = await startTestTsa();
    portal = await startCmsPortal(['trs']);
    const body = { ...portal.sites.trs.bodies[0]!, render: 'http' as const };
    bodyId = body.id;
    t = await startCrawlRuntime([body], { NIANBAO_TODAY: '2025-06-01' }, undefined, ['crawl']);
    rt = t.rt;
    for (let i = 0; i < 3; i += 1) await crawlOnce(rt);
  });
  afterAll(async () => {
    await t?.close();
    await portal?.close();
    await tsa?.close();
  });

  const update = (at: string, expression: string, values: Record<string, unknown>) =>
    rt.ctx.repo.db.send(
      new UpdateCommand({
        TableName: rt.ctx.repo.table,
        Key: { pk: `BODY#${bodyId}`, sk: `CHECK#${at}` },
        UpdateExpression: expression,
        ExpressionAttributeValues: values,
      }),
    );

  it('chains every check, 304s included, and a clean log with its timestamped root verifies', async () => {
    const entries = await storedEntries(rt.ctx.repo, bodyId);
    expect(entries.map((e) => e.outcome)).toEqual(['read', 'not-modified', 'not-modified']);
    expect(entries.map((e) => (e.chain as { seq: number }).seq)).toEqual([1, 2, 3]);
    const links = entries.map((e) => e.chain as { prev: string | null; hash: string });
    expect(links[1]?.prev).toBe(links[0]?.hash);

    const root = await recordDailyRoot(rt.ctx, { tsaUrl: tsa.url });
    expect(root.size).toBe(1);
    expect(root.timestamp?.tsaUrl).toBe(tsa.url);
    expect(await recordDailyRoot(rt.ctx, { tsaUrl: tsa.url })).toEqual(root);
    expect(tsa.requests).toBe(1);

    const v = await verifyStore(rt.ctx.repo, [bodyId], tsa.certDer);
    expect(v.ok).toBe(true);
    expect(v.roots[0]?.timestamp).toBe('verified');
    expect(v.bodies[0]).toMatchObject({ entries: 3, breaks: [] });
    expect(v.verified).toBe(true);
    expect(formatStoreVerification(v).at(-1)).toBe(
      'verified: the check log is intact and every daily root is timestamped by a trusted TSA',
    );
    // Without a trusted certificate the same log is intact but NOT verified.
    const bare = await verifyStore(rt.ctx.repo, [bodyId]);
    expect(bare).toMatchObject({ ok: true, verified: false });
    expect(bare.roots[0]?.timestamp).toBe('not-checked');
  });

  it('reports a wrong TSA certificate', async () => {
    const other = await tsaCertificate('another TSA');
    const v = await verifyStore(rt.ctx.repo, [bodyId], other.der);
    expect(v.ok).toBe(false);
    expect(v.roots[0]?.timestamp).toBe('failed');
    expect(v.bodies[0]?.breaks).toEqual([]);
  });

  it('an edited entry is reported, exactly that one', async () => {
    const entries = await storedEntries(rt.ctx.repo, bodyId);
    const second = entries[1]!;
    await update(second.at as string, 'SET outcome = :o', { ':o': 'read' });
    const v = await verifyStore(rt.ctx.repo, [bodyId], tsa.certDer);
    expect(v.ok).toBe(false);
    expect(v.bodies[0]?.breaks).toEqual([expect.objectContaining({ kind: 'edited', seq: 2, at: second.at })]);
    expect(formatStoreVerification(v).join('\n')).toMatch(/BREAK edited at entry 2/);
    await update(second.at as string, 'SET outcome = :o', { ':o': 'not-modified' });
    expect((await verifyStore(rt.ctx.repo, [bodyId], tsa.certDer)).ok).toBe(true);
  });

  it('an entry edited with its hash recomputed breaks the next link', async () => {
    const entries = await storedEntries(rt.ctx.repo, bodyId);
    const first = entries[0]!;
    const forged = { ...first, outcome: 'failed' };
    const chain = first.chain as { seq: number; prev: string | null; hash: string };
    const hash = recomputeHash(forged);
    await update(first.at as string, 'SET outcome = :o, chain = :c', {
      ':o': 'failed',
      ':c': { ...chain, hash },
    });
    const v = await verifyStore(rt.ctx.repo, [bodyId]);
    expect(v.bodies[0]?.breaks).toEqual([expect.objectContaining({ kind: 'prev-mismatch', seq: 2 })]);
    await update(first.at as string, 'SET outcome = :o, chain = :c', { ':o': first.outcome, ':c': chain });
  });

  it('a deleted entry is reported where the sequence skips, and a deleted head against the daily root', async () => {
    const entries = await storedEntries(rt.ctx.repo, bodyId);
    const del = (at: string) =>
      rt.ctx.repo.db.send(
        new DeleteCommand({ TableName: rt.ctx.repo.table, Key: { pk: `BODY#${bodyId}`, sk: `CHECK#${at}` } }),
      );
    await del(entries[1]!.at as string);
    const v = await verifyStore(rt.ctx.repo, [bodyId]);
    expect(v.bodies[0]?.breaks).toEqual([
      expect.objectContaining({ kind: 'missing', seq: 3, detail: 'entries 2–2 are missing before this one' }),
    ]);
    await del(entries[2]!.at as string);
    const w = await verifyStore(rt.ctx.repo, [bodyId]);
    expect(w.bodies[0]?.breaks).toEqual([expect.objectContaining({ kind: 'root-mismatch', seq: 3 })]);
    expect((await getDailyRoot(rt.ctx.repo, beijingDate(new Date())))?.size).toBe(1);
  });
});
