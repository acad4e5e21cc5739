import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { bodyInScope } from '#shared/domain/body.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { perBodyFindings, scopeFindings } from '#shared/read/findings.ts';
import type { PublicFinding } from '#shared/read/types.ts';
import { batchPut } from '#shared/store/batch-write.ts';
import { FINDINGS_INDEX, findingsPartition } from '#shared/store/finding-index.ts';
import { keys } from '#shared/store/table.ts';
import { countStoreCalls } from '#test/bench/bench-stores.ts';
import { finding, findingsItems, reportItem } from '#test/support/findings-seed.ts';
import { scaleRegistry } from '#test/support/read-scale.ts';

const ids = (fs: readonly PublicFinding[]) => fs.map((f) => f.id);

describe('findings index: the feeds and /api/findings at 1,000 bodies', () => {
  let dir: string;
  let rt: Runtime;
  let calls: ReturnType<typeof countStoreCalls>;
  const registry = scaleRegistry(1000);
  const provinces = new Set(registry.map((b) => b.id.slice(0, 2)));
  const inScope = (scope: string) => registry.filter((b) => bodyInScope(b, scope));
  /** Store calls of one read, by SDK command. */
  const cost = async <T>(read: () => Promise<T>) => {
    const before = calls.byCommand();
    const result = await read();
    const spent: Record<string, number> = {};
    for (const [k, n] of Object.entries(calls.byCommand()))
      if (n - (before[k] ?? 0) > 0) spent[k] = n - (before[k] ?? 0);
    return { result, spent };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-findings-index-'));
    rt = await startRuntime({
      config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }),
      registry,
    });
    await batchPut(rt.ctx.repo, findingsItems(registry));
    calls = countStoreCalls(rt.ctx);
  }, 600_000);
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists exactly what the per-body read lists, for every kind of scope and limit', async () => {
    expect(provinces.size).toBe(12);
    for (const scope of ['*', '13', '130000', '1301', '1306']) {
      const bodies = inScope(scope);
      expect(bodies.length, scope).toBeGreaterThan(16);
      // The per-body read sorts every finding and cuts: its first `limit` are this list's first `limit`.
      const every = await perBodyFindings(rt.ctx, bodies, 100_000);
      expect(every.length, scope).toBeGreaterThan(100);
      for (const limit of [1, 7, 100, 1000]) {
        expect(await scopeFindings(rt.ctx, scope, limit), `${scope} ${limit}`).toEqual(every.slice(0, limit));
      }
    }
  }, 300_000);

  it('never lists an admin-only alert, nor a sweep alert of a year neither due nor reported', async () => {
    const all = await scopeFindings(rt.ctx, '*', 1000);
    const every = await perBodyFindings(rt.ctx, registry, 100_000);
    expect(all).toEqual(every.slice(0, 1000));
    expect(every.some((f) => f.rule === 'listing.inconclusive')).toBe(false);
    expect(every.some((f) => f.year === 2021)).toBe(false);
    // The published-late alerts of a reported 2024 (no longer due) are listed, as the per-body read lists them.
    expect(all.some((f) => f.rule === 'deadline.published-late' && f.year === 2024)).toBe(true);
    expect(all.some((f) => f.rule === 'deadline.missing' && f.year === 2025)).toBe(true);
  });

  it('pages with a cursor: the pages joined are the per-body list', async () => {
    const every = await perBodyFindings(rt.ctx, registry, 400);
    const pages: PublicFinding[] = [];
    let last: PublicFinding | undefined;
    while (pages.length < 400) {
      const page = await scopeFindings(rt.ctx, '*', 37, last ? { at: last.at, id: last.id } : undefined);
      expect(page.length).toBeGreaterThan(0);
      pages.push(...page);
      last = page.at(-1);
    }
    expect(ids(pages.slice(0, 400))).toEqual(ids(every));
  });

  it('reads scope * at 1,000 bodies in one Query per province (the per-body read: one per body)', async () => {
    await scopeFindings(rt.ctx, '*', 100); // the index marker is read once, then known
    const indexed = await cost(() => scopeFindings(rt.ctx, '*', 100));
    const perBody = await cost(() => perBodyFindings(rt.ctx, registry, 100));
    expect(indexed.result).toEqual(perBody.result);
    // 12 provinces: 12 Queries, and one BatchGetItem for the 2021 alerts met (due? reported?).
    expect(indexed.spent).toEqual({ QueryCommand: 12, BatchGetItemCommand: 1 });
    expect(perBody.spent.QueryCommand).toBe(1000);
  });

  it('serves the feeds and /api/findings from the index with the per-body items, in order', async () => {
    const app = createApp(rt.ctx);
    const old = await perBodyFindings(rt.ctx, registry, 50);
    const api = await app.request('/api/findings?scope=*&limit=50');
    expect(api.status).toBe(200);
    expect(((await api.json()) as { items: PublicFinding[] }).items.map((f) => f.id)).toEqual(ids(old));
    const json = await app.request('/api/feeds/json?scope=1301&limit=20');
    const items = ((await json.json()) as { items: Array<{ id: string }> }).items;
    const city = await perBodyFindings(rt.ctx, inScope('1301'), 20);
    expect(items.map((i) => decodeURIComponent(i.id.split('/evidence/')[1] as string))).toEqual(ids(city));
    const rss = await (await app.request('/api/feeds/rss?scope=*&limit=50')).text();
    const guids = [...rss.matchAll(/<guid[^>]*>([^<]+)<\/guid>/g)].map((m) =>
      decodeURIComponent((m[1] as string).split('/evidence/')[1] as string),
    );
    expect(guids).toEqual(ids(old));
  });

  it("replaces a superseded version's findings, drops a report whose findings are gone, indexes no revision", async () => {
    const body = registry[500] as (typeof registry)[number];
    const v1 = reportItem(body, 2027, '2028-01-01T00:00:00.000Z', [finding('spam.injection', '体育365')]);
    expect(await rt.ctx.repo.recordReport(v1)).toBe('new');
    let top = await scopeFindings(rt.ctx, '*', 3);
    expect(top.map((f) => f.rule)).toEqual(['spam.injection', expect.any(String), expect.any(String)]);
    const v2 = {
      ...v1,
      sha256: 'b'.repeat(64),
      versionSeen: '2028-02-01T00:00:00.000Z',
      findings: [finding('arith.sum', '合计 12'), finding('arith.sum', '合计 13')],
    };
    expect(await rt.ctx.repo.recordReport(v2)).toBe('revised');
    top = await scopeFindings(rt.ctx, '*', 3);
    expect(top.slice(0, 2).map((f) => f.id)).toEqual([
      `${body.id}:2027:arith.sum:0`,
      `${body.id}:2027:arith.sum:1`,
    ]);
    // Listed when the report gained them (the second version's sighting: arith.sum is new in it), as the
    // per-body read lists it (findings-news.test.ts).
    expect(top[0]?.at).toBe('2028-02-01T00:00:00.000Z');
    expect(top).toEqual(await perBodyFindings(rt.ctx, registry, 3));
    const partition = await rt.ctx.repo.db.send(
      new QueryCommand({
        TableName: rt.ctx.repo.table,
        IndexName: FINDINGS_INDEX,
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :sk)',
        ExpressionAttributeValues: { ':pk': findingsPartition(body.id), ':sk': '2028-' },
      }),
    );
    expect(partition.Items?.map((i) => i.sk)).toEqual(['REPORT#2027']);
    await rt.ctx.repo.setFindings(body.id, 2027, []);
    top = await scopeFindings(rt.ctx, '*', 3);
    expect(top.some((f) => f.year === 2027)).toBe(false);
    expect(top).toEqual(await perBodyFindings(rt.ctx, registry, 3));
  });

  it('follows a partition past a 1 MB Query page', async () => {
    // Five reports of ~300 KB each, the newest of all, in one province: its first page stops at 1 MB.
    // (ASCII: dynalite counts a string's length, DynamoDB its UTF-8 bytes.)
    const big = registry.filter((b) => b.id.startsWith('13')).slice(0, 5);
    await batchPut(
      rt.ctx.repo,
      big.map((body, i) => ({
        ...keys.report(body.id, 2028),
        ...reportItem(body, 2028, `2029-01-0${i + 1}T00:00:00.000Z`, [
          finding('text.garbled', 'x'.repeat(300_000)),
        ]),
      })),
    );
    const { result, spent } = await cost(() => scopeFindings(rt.ctx, '*', 10));
    expect(spent.QueryCommand).toBeGreaterThan(provinces.size);
    expect(ids(result)).toEqual(ids(await perBodyFindings(rt.ctx, registry, 10)));
    expect(result.slice(0, 5).map((f) => f.bodyId)).toEqual(big.map((b) => b.id).reverse());
  });
});
