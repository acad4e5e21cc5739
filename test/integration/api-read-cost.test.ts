import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { countScoreboard, dueYearsOfBodies, scoreboard, yearsOfBodies } from '#shared/read/index.ts';
import { batchPut } from '#shared/store/batch-write.ts';
import { keys } from '#shared/store/table.ts';
import { countStoreCalls } from '#test/bench/bench-stores.ts';
import { scaleRegistry, seedReadScale } from '#test/support/read-scale.ts';

const YEARS = [2023, 2024, 2025];

describe('public reads: store calls per route, pagination past 1 MB, ETag and 304', () => {
  let dir: string;
  let rt: Runtime;
  let app: ReturnType<typeof createApp>;
  let calls: ReturnType<typeof countStoreCalls>;
  const registry = scaleRegistry(5);
  const id = registry[1]?.id as string;
  const bigId = registry[2]?.id as string;

  /** The store calls one request makes, by SDK command (the rate counter's writes left out). */
  const costOf = async (path: string, headers: Record<string, string> = {}) => {
    const before = calls.byCommand();
    const res = await app.request(path, { headers });
    const body = await res.text();
    const after = calls.byCommand();
    const cost: Record<string, number> = {};
    for (const [k, n] of Object.entries(after))
      if (k !== 'UpdateItemCommand' && n - (before[k] ?? 0) > 0) cost[k] = n - (before[k] ?? 0);
    return { res, body, cost };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-read-cost-'));
    rt = await startRuntime({
      config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }),
      registry,
    });
    await seedReadScale(rt.ctx, registry, YEARS, { rawPages: true });
    // Four more versions of one report, each revision item ~300 KB: the partition's Query needs pages.
    const report = (await rt.ctx.repo.getReport(bigId, 2024)) as { parsedKey: string; rawKey: string };
    const pad = 'x'.repeat(300_000);
    await batchPut(
      rt.ctx.repo,
      [1, 2, 3, 4].map((n) => {
        const firstSeen = `2025-0${n + 3}-01T00:00:00.000Z`;
        const sha256 = `${n}`.repeat(64);
        return {
          ...keys.revision(bigId, 2024, firstSeen, sha256),
          bodyId: bigId,
          year: 2024,
          sha256,
          firstSeen,
          url: `http://example.cn/2024-v${n}.html`,
          rawKey: report.rawKey,
          parsedKey: report.parsedKey,
          note: pad,
        };
      }),
    );
    app = createApp(rt.ctx);
    calls = countStoreCalls(rt.ctx);
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("GET /status/:id reads one Query and one BatchGetItem, and still shows every year's outcome", async () => {
    const { res, body, cost } = await costOf(`/status/${id}`);
    expect(res.status).toBe(200);
    expect(cost).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 });
    const json = JSON.parse(body);
    expect(json.years.map((y: { year: number }) => y.year)).toEqual([2025, 2024, 2023]);
    expect(json.reports).toHaveLength(3);
    expect(json.state.bodyId).toBe(id);
  });

  it('one report: one Query for the item and its revisions, its record read once', async () => {
    const { res, body, cost } = await costOf(`/api/bodies/${id}/reports/2024`);
    expect(res.status).toBe(200);
    expect(cost.QueryCommand).toBe(1);
    expect(cost.GetItemCommand ?? 0).toBe(0);
    // The current version and its one revision share a parsed record: one GetObject, not two.
    expect(cost.GetObjectCommand).toBe(1);
    const json = JSON.parse(body);
    expect(json.revisions).toHaveLength(1);
    expect(json.figures.length).toBeGreaterThan(0);
    // Its archived copy's provenance (HeadObject) is read on the first view only: a raw object is never
    // rewritten (content-addressed, written once), so the second view asks S3 for the record alone.
    expect(cost.HeadObjectCommand).toBe(1);
    const again = await costOf(`/api/bodies/${id}/reports/2024`);
    expect(again.cost).toEqual({ QueryCommand: 1, GetObjectCommand: 1 });
    expect(JSON.parse(again.body).archived).toEqual(json.archived);
  });

  it('follows the Query past its 1 MB page: every revision of a 1.2 MB partition range is listed', async () => {
    const { res, body, cost } = await costOf(`/api/bodies/${bigId}/reports/2024`);
    expect(res.status).toBe(200);
    expect(cost.QueryCommand).toBeGreaterThan(1);
    const json = JSON.parse(body);
    expect(json.revisions.map((r: { firstSeen: string }) => r.firstSeen)).toEqual([
      '2025-03-21T02:00:00.000Z',
      '2025-04-01T00:00:00.000Z',
      '2025-05-01T00:00:00.000Z',
      '2025-06-01T00:00:00.000Z',
      '2025-07-01T00:00:00.000Z',
    ]);
    expect(json.archived).toHaveLength(5);
    // Years of that body (listReports) are not confused by the large revisions either.
    const years = await costOf(`/api/bodies/${bigId}/years`);
    expect(JSON.parse(years.body).years.find((y: { year: number }) => y.year === 2024).report.revisions).toBe(
      1,
    );
  });

  it("an admin's due years (inconclusive / unreachable list) come from BatchGetItem calls alone, as the full read judges them", async () => {
    const before = calls.byCommand();
    const due = await dueYearsOfBodies(rt.ctx, registry);
    const after = calls.byCommand();
    expect((after.QueryCommand ?? 0) - (before.QueryCommand ?? 0)).toBe(0);
    expect((after.BatchGetItemCommand ?? 0) - (before.BatchGetItemCommand ?? 0)).toBe(1);
    const full = await yearsOfBodies(rt.ctx, registry);
    for (const body of registry) {
      const expected = full
        .get(body.id)
        ?.years.filter((y) => y.due)
        .map((y) => ({ ...y, findings: y.findings.filter((f) => f.source === 'report') }));
      expect(due.get(body.id), body.id).toEqual(expected);
      expect(expected?.length, body.id).toBeGreaterThan(0);
    }
  });

  it("the dashboard's scoreboard page reads only the chosen year (no Query per body) and still offers every year", async () => {
    const { res, body, cost } = await costOf('/?year=2024');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(cost.QueryCommand ?? 0).toBe(0);
    expect(cost.BatchGetItemCommand).toBe(1);
    for (const b of registry) expect(body).toContain(b.name);
    for (const y of [2008, 2016, 2024, 2025]) expect(body).toContain(`<option value="${y}"`);
  });

  it('the scoreboard reads only its year, in BatchGetItem calls, and counts as the years of every body do', async () => {
    for (const year of [2023, 2024, 2025, 2026]) {
      const before = calls.byCommand();
      const board = await scoreboard(rt.ctx, year, '*');
      expect((calls.byCommand().QueryCommand ?? 0) - (before.QueryCommand ?? 0), String(year)).toBe(0);
      const all = await yearsOfBodies(rt.ctx, registry);
      expect(board, String(year)).toEqual(countScoreboard(registry, all, year, '*', rt.ctx.today()));
    }
    const board = await scoreboard(rt.ctx, 2025, '*');
    expect(board.totals.bodies).toBe(5);
    expect(board.totals.notJudged).toBe(0);
  });

  it('searches report titles across every body, one BatchGetItem per 100 bodies, paginated', async () => {
    // No body's name holds these words: only the titles do.
    const all = await costOf('/api/reports?q=2024%E5%B9%B4%20%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A&year=2024');
    expect(all.res.status).toBe(200);
    expect(all.cost).toEqual({ BatchGetItemCommand: 1 });
    const json = JSON.parse(all.body);
    expect(json.total).toBe(5);
    expect(json.items.map((h: { body: { id: string } }) => h.body.id)).toEqual(
      registry.map((b) => b.id).sort(),
    );
    expect(json.items[0].report).toMatchObject({ year: 2024, title: expect.stringContaining('2024年') });
    const fourth = registry[3] as (typeof registry)[number];
    const name = fourth.name.slice(0, 3);
    const one = JSON.parse((await costOf(`/api/reports?q=${encodeURIComponent(name)}&year=2023`)).body);
    expect(one.items.map((h: { body: { id: string } }) => h.body.id)).toEqual([fourth.id]);
    const page = JSON.parse(
      (await costOf('/api/reports?q=%E6%8A%A5%E5%91%8A&year=2025&offset=3&limit=1')).body,
    );
    expect(page).toMatchObject({ total: 5, offset: 3, limit: 1 });
    expect(page.items).toHaveLength(1);
    const none = JSON.parse(
      (await costOf('/api/reports?q=%E5%B7%A5%E4%BD%9C%E8%AE%A1%E5%88%92&year=2024')).body,
    );
    expect(none.total).toBe(0);
    const bad = await costOf('/api/reports?q=%E6%8A%A5%E5%91%8A');
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.body).fields.map((f: { field: string }) => f.field)).toEqual(['year']);
    expect(bad.cost).toEqual({});
    // A scope that covers no body is a 404 naming it, as for findings, feeds and the scoreboard, and reads nothing.
    const unknown = await costOf('/api/reports?q=%E6%8A%A5%E5%91%8A&year=2024&scope=99');
    expect(unknown.res.status).toBe(404);
    expect(JSON.parse(unknown.body).error).toContain('unknown scope 99');
    expect(unknown.cost).toEqual({});
  });

  it('public reads carry an ETag and Cache-Control; If-None-Match with it answers 304 without a body', async () => {
    for (const path of [
      `/status/${id}`,
      '/status',
      `/api/bodies/${id}`,
      `/api/bodies/${id}/years`,
      `/api/bodies/${id}/reports/2025`,
      '/api/bodies?q=11',
      '/api/scoreboard?year=2025',
      '/api/findings',
      '/api/feeds/atom',
    ]) {
      const first = await app.request(path);
      expect(first.status, path).toBe(200);
      const tag = first.headers.get('etag');
      expect(tag, path).toMatch(/^"[0-9a-f]{40}"$/);
      expect(first.headers.get('cache-control'), path).toBe('public, max-age=60');
      const again = await app.request(path, { headers: { 'if-none-match': tag as string } });
      expect(again.status, path).toBe(304);
      expect(await again.text(), path).toBe('');
      expect(again.headers.get('etag'), path).toBe(tag);
      expect(again.headers.get('cache-control'), path).toBe('public, max-age=60');
      const stale = await app.request(path, { headers: { 'if-none-match': '"0000"' } });
      expect(stale.status, path).toBe(200);
    }
  });

  it('the tag follows the data: a changed report gives a new ETag, and the old one gets a 200', async () => {
    const path = `/api/bodies/${id}/years`;
    const before = (await app.request(path)).headers.get('etag') as string;
    const item = await rt.ctx.repo.getReport(id, 2025);
    await batchPut(rt.ctx.repo, [{ ...keys.report(id, 2025), ...item, title: '改过的标题' }]);
    const after = await app.request(path, { headers: { 'if-none-match': before } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
    expect(await after.text()).toContain('改过的标题');
  });

  it('the streamed dataset and errors carry no ETag', async () => {
    const dataset = await app.request('/api/export/dataset?format=jsonl');
    expect(dataset.status).toBe(200);
    expect(dataset.headers.get('etag')).toBeNull();
    await dataset.text();
    const missing = await app.request('/api/bodies/999999/years');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('etag')).toBeNull();
    expect(missing.headers.get('cache-control')).not.toBe('public, max-age=60');
  });
});
