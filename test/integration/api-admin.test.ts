import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { issueAdminKey } from '#shared/api/admin-token.ts';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';

const TOKEN = 'admin-test-token-0123456789abcdef';

describe('the admin API (keys, idempotent re-crawl, health lists, dead letters, registry)', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let key: string;
  let app: ReturnType<typeof createApp>;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-api-admin-'));
    await copyFile('seeds/bodies.json', join(dir, 'bodies.json'));
    // Only the 吉州区 site: every crawl below is of 360802, so nothing leaves loopback.
    portal = await startDemoPortal({ sites: ['000'] });
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_REGISTRY: join(dir, 'bodies.json'),
    });
    rt = await startRuntime({ config, originMap: portal.originMap });
    key = await issueAdminKey(rt.ctx.repo, 'test', new Date());
    app = createApp(rt.ctx, { adminToken: TOKEN, deadLetters: rt.deadLetters, registry: rt.registryWriter });
  });
  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts an issued key (stored only as its hash) or the token; 401 without, 403 with a wrong one', async () => {
    expect(key).toMatch(/^nbk_[\w-]{43}$/);
    const scan = await rt.ctx.repo.db.send(new ScanCommand({ TableName: rt.ctx.repo.table }));
    const keyItems = (scan.Items ?? []).filter((i) => String(i.pk).startsWith('ADMINKEY#'));
    expect(keyItems).toHaveLength(1);
    expect(JSON.stringify(scan.Items)).not.toContain(key);

    expect((await call('GET', '/admin/failing')).status).toBe(200);
    expect((await app.request('/admin/failing', { headers: { 'x-admin-token': key } })).status).toBe(200);
    expect((await app.request('/admin/failing', { headers: { 'x-admin-token': TOKEN } })).status).toBe(200);
    const none = await app.request('/admin/failing');
    expect(none.status).toBe(401);
    const wrong = await app.request('/admin/failing', { headers: { authorization: `Bearer ${key}x` } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: 'this admin key is not valid' });
  });

  it('queues one crawl for ten presses at once, and another once that crawl has run', async () => {
    const before = rt.queues.crawl.depth;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('POST', '/admin/recrawl', { scope: '3608' }).then((r) => r.json()),
      ),
    );
    const queued = answers.flatMap((a) => a.queued);
    expect(queued).toEqual(['360802']);
    expect(answers.filter((a) => a.pending.includes('360802'))).toHaveLength(9);
    expect(rt.queues.crawl.depth).toBe(before + 1);
    await rt.settle();
    expect((await rt.ctx.repo.getBodyState('360802')).lastSuccessAt).toBeDefined();
    const again = await (await call('POST', '/admin/recrawl', { bodyIds: ['360802'] })).json();
    expect(again).toEqual({ queued: ['360802'], pending: [], fannedOut: 0 });
    await rt.settle();
    const bad = await call('POST', '/admin/recrawl', { scope: '吉安' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).fields[0].field).toBe('scope');
  });

  it('re-parses a body from the archive and re-runs the deadline rules', async () => {
    const reparse = await call('POST', '/admin/reparse', { bodyIds: ['360802'] });
    expect(reparse.status).toBe(200);
    const { changes } = await reparse.json();
    expect(changes.length).toBeGreaterThanOrEqual(1);
    expect(changes[0]).toMatchObject({ bodyId: '360802', rawKey: expect.stringMatching(/^raw\/360802\//) });
    expect((await call('POST', '/admin/reparse', {})).status).toBe(400);

    const rules = await (await call('POST', '/admin/rules', { bodyIds: ['360802'] })).json();
    expect(rules.years).toEqual([
      expect.objectContaining({ bodyId: '360802', year: 2025, status: 'missing', deadline: '2026-03-31' }),
    ]);
  });

  it('lists failing bodies, recent crawl errors and inconclusive years with why', async () => {
    const at = '2026-11-24T01:00:00.000Z';
    await rt.ctx.repo.putBodyState({
      bodyId: '411328',
      consecutiveFailures: 2,
      lastCheckedAt: at,
      lastErrorClass: 'http-5xx',
      lastError: 'HTTP 503 from http://www.tanghe.gov.cn/',
      lastStatus: 503,
    });
    await rt.ctx.repo.putBodyState({
      bodyId: '140702',
      consecutiveFailures: 0,
      lastSuccessAt: at,
      lastCheck: {
        at,
        complete: false,
        reachedEnd: false,
        oldestYear: 2011,
        newestYear: 2011,
        unread: ['frame http://www.yuci.gov.cn/list-frame.html (cross-site)'],
        unsettledYears: [],
        unsettledUnknown: 0,
        pages: [],
      },
    });
    const failing = await (await call('GET', '/admin/failing')).json();
    expect(failing.items.map((i: { bodyId: string }) => i.bodyId)).toEqual(['411328']);
    const errors = await (await call('GET', '/admin/crawl-errors?limit=5')).json();
    expect(errors.items[0]).toMatchObject({ bodyId: '411328', errorClass: 'http-5xx', status: 503 });
    expect((await call('GET', '/admin/crawl-errors?limit=0')).status).toBe(400);
    const inconclusive = await (await call('GET', '/admin/inconclusive')).json();
    const yuci = inconclusive.items.find((i: { bodyId: string }) => i.bodyId === '140702');
    expect(yuci).toMatchObject({ year: 2025, outcome: 'inconclusive' });
    expect(yuci.reasons[0]).toContain('not read: frame');
    expect(inconclusive.items.find((i: { bodyId: string }) => i.bodyId === '411328')).toMatchObject({
      outcome: 'unreachable',
    });
  });

  it('lists dead letters and requeues them to their queue', async () => {
    rt.queues.crawl.deadLetters.push({
      body: { type: 'crawl', bodyId: '360802', reason: 'test' },
      receiveCount: 3,
      error: 'simulated S3 outage',
    });
    const list = await (await call('GET', '/admin/dead-letters')).json();
    expect(list.items).toEqual([
      expect.objectContaining({ queue: 'crawl', error: 'simulated S3 outage', receiveCount: 3 }),
    ]);
    const { requeued } = await (
      await call('POST', '/admin/dead-letters/requeue', { ids: [list.items[0].id] })
    ).json();
    expect(requeued).toEqual([list.items[0].id]);
    expect(rt.queues.crawl.deadLetters).toHaveLength(0);
    await rt.settle();
    expect(rt.queues.crawl.deadLetters).toHaveLength(0);
    const bare = createApp(rt.ctx, { adminToken: TOKEN });
    const res = await bare.request('/admin/dead-letters', { headers: { 'x-admin-token': TOKEN } });
    expect(res.status).toBe(501);
  });

  it('adds and updates a registry entry in the registry file, refusing an invalid one with the reason', async () => {
    const entry = {
      name: '青原区人民政府',
      level: 'district',
      divisionCode: '360803',
      listingUrl: 'http://www.qingyuan.gov.cn/xxgk/ndbg/',
    };
    const created = await call('PUT', '/admin/registry/360803', entry);
    expect(created.status).toBe(201);
    expect((await created.json()).body.parents.map((p: { name: string }) => p.name)).toEqual([
      '江西省',
      '吉安市',
    ]);
    expect(rt.ctx.registry.get('360803')?.name).toBe('青原区人民政府');
    const updated = await call('PUT', '/admin/registry/360803', { ...entry, render: 'browser' });
    expect(updated.status).toBe(200);
    const file = JSON.parse(await readFile(join(dir, 'bodies.json'), 'utf8'));
    expect(file.bodies.filter((b: { id: string }) => b.id === '360803')).toEqual([
      { ...entry, id: '360803', render: 'browser' },
    ]);
    const bad = await call('PUT', '/admin/registry/990101', { ...entry, divisionCode: '990101' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0]).toContain('990101 is not a GB/T 2260 code');
  });

  it('refuses a registry entry whose id differs from the path (nothing stored under either id)', async () => {
    const before = rt.ctx.registry.get('360802')?.name;
    const swapped = await call('PUT', '/admin/registry/360802', {
      id: '411328',
      name: '=HYPERLINK("http://evil.example/","x")',
      level: 'county',
      divisionCode: '411328',
      listingUrl: 'http://www.tanghe.gov.cn/zwgk/ndbg/',
    });
    expect(swapped.status).toBe(400);
    expect((await swapped.json()).issues[0]).toContain("differs from the path's 360802");
    expect(rt.ctx.registry.get('360802')?.name).toBe(before);
  });

  it('answers 404 for a scope that covers no body (feeds, findings, scoreboard), 200 for a real one', async () => {
    for (const path of [
      '/api/feeds/rss?scope=99',
      '/api/feeds/atom?scope=360802-foo',
      '/api/findings?scope=99',
      '/api/scoreboard?year=2025&scope=99',
      '/api/export/scoreboard.csv?year=2025&scope=99',
    ]) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error, path).toContain('unknown scope');
    }
    expect((await call('GET', '/api/feeds/rss?scope=36')).status).toBe(200);
    expect((await call('GET', '/api/scoreboard?year=2025&scope=360802')).status).toBe(200);
  });

  it('limits admin requests per client per minute', async () => {
    const limited = createApp(rt.ctx, { adminToken: TOKEN, rateLimits: { adminPerMinute: 2 } });
    const env = { incoming: { socket: { remoteAddress: '198.51.100.9' } } };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push(
        (await limited.request('/admin/failing', { headers: { 'x-admin-token': TOKEN } }, env)).status,
      );
    expect(statuses).toEqual([200, 200, 429]);
  });
});
