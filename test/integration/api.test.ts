import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bodiesJson from '#seeds/bodies.json' with { type: 'json' };
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { createApp } from '#shared/api/app.ts';
import { serveApi } from '#shared/api/serve.ts';
import { loadConfig } from '#shared/config.ts';
import { loadRegistry } from '#shared/domain/registry.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { readMailbox } from '#test/support/mailbox.ts';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

describe('HTTP API (shared/api/app.ts) on the embedded services', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let app: ReturnType<typeof createApp>;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-api-'));
    // Only the 吉州区 site: the re-crawl below queues that body alone, so nothing leaves loopback.
    portal = await startDemoPortal({ sites: ['000'] });
    const { bodies, errors } = loadRegistry(bodiesJson);
    expect(errors).toEqual([]);
    const config = loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0' });
    rt = await startRuntime({ config, registry: bodies, originMap: portal.originMap });
    app = createApp(rt.ctx, { adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /health answers with the registry size', async () => {
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      bodies: 5,
      today: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('POST /subscriptions stores an unconfirmed subscriber with its scopes', async () => {
    const res = await post(
      '/subscriptions',
      JSON.stringify({ email: 'Desk@Example.org', scopes: ['3608', '2112'] }),
    );

    expect(res.status).toBe(202);
    // The same answer for any address (no `confirmed` leak); the scopes wait for the mailed link.
    expect(await res.json()).toMatchObject({ status: 'pending-confirmation' });
    expect(await rt.ctx.subscribers.get(emailHash('desk@example.org'))).toMatchObject({
      email: 'Desk@Example.org',
      confirmed: false,
      suppressed: false,
      pending: { scopes: ['3608', '2112'] },
    });
  });

  it('mails a double-opt-in link; only opening it confirms the subscriber, and a forged token does not', async () => {
    const email = 'reporter@example.org';
    const res = await post('/subscriptions', JSON.stringify({ email, scopes: ['360802'] }));
    expect(res.status).toBe(202);
    const mails = (await readMailbox(rt.mailDir!)).filter((m) => m.to === email);
    expect(mails).toHaveLength(1);
    const link = mails[0]!.text.match(/http\S+\/subscriptions\/confirm\?e=[0-9a-f]{32}&t=[\w-]+/)?.[0];
    expect(link).toBeDefined();
    const url = new URL(link!);

    const forged = await app.request(
      `/subscriptions/confirm?e=${url.searchParams.get('e')}&t=${'x'.repeat(32)}`,
    );
    expect(forged.status).toBe(400);
    expect((await rt.ctx.subscribers.get(emailHash(email)))?.confirmed).toBe(false);

    const shown = await app.request(`${url.pathname}${url.search}`);
    expect(shown.status).toBe(200);
    expect((await rt.ctx.subscribers.get(emailHash(email)))?.confirmed).toBe(false);
    const ok = await app.request(`${url.pathname}${url.search}`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect((await rt.ctx.subscribers.get(emailHash(email)))?.confirmed).toBe(true);
  });

  it('POST /subscriptions answers 400 with the reasons on bad input', async () => {
    const bad = await post('/subscriptions', JSON.stringify({ email: 'not-an-address', scopes: [] }));
    expect(bad.status).toBe(400);
    const badJson = await bad.json();
    expect(badJson.error).toBe('invalid request body');
    expect(badJson.issues.some((i: string) => i.startsWith('email: '))).toBe(true);
    expect(badJson.issues.some((i: string) => i.startsWith('scopes: '))).toBe(true);

    const scope = await post('/subscriptions', JSON.stringify({ email: 'a@example.org', scopes: ['吉安'] }));
    expect(await scope.json()).toEqual({
      error: 'invalid request body',
      issues: ['scopes.0: expected *, a division code or a body id'],
      fields: [{ field: 'scopes.0', reason: 'expected *, a division code or a body id' }],
    });

    const notJson = await post('/subscriptions', 'email=a@example.org');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'request body must be JSON' });
  });

  it('GET /status/:bodyId shows a known body and 404s an unknown one', async () => {
    const res = await app.request('/status/620421-rsj');
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json).toMatchObject({
      body: {
        id: '620421-rsj',
        name: '靖远县人力资源和社会保障局',
        listingUrl: 'http://www.jingyuan.gov.cn/xxgk/ndbg/index.html',
      },
      state: { bodyId: '620421-rsj', consecutiveFailures: 0 },
      health: { reachable: false, lastSuccessAt: null },
      reports: [],
    });
    // Never crawled: every due year is unreachable (never "missing" without a read listing).
    expect(json.years.length).toBeGreaterThan(0);
    for (const y of json.years) expect(y).toMatchObject({ due: true, outcome: 'unreachable' });

    const malformed = await app.request('/status/not%20a%20body');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ fields: [{ field: 'bodyId' }] });

    const unknown = await app.request('/status/999999');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown body 999999' });
  });

  it('POST /admin/recrawl refuses a missing or wrong token and queues nothing', async () => {
    // The crawl queue is shared with the test that does recrawl: compare with its depth before this one.
    const depth = rt.queues.crawl.depth;
    const none = await post('/admin/recrawl', '{}');
    const wrong = await post('/admin/recrawl', '{}', { 'x-admin-token': `${ADMIN_TOKEN}x` });

    expect([none.status, wrong.status]).toEqual([401, 403]);
    expect(await none.json()).toEqual({
      error: 'admin key required (x-admin-token or Authorization: Bearer)',
    });
    expect(await wrong.json()).toEqual({ error: 'this admin key is not valid' });
    expect(rt.queues.crawl.depth).toBe(depth);
  });

  it('POST /admin/recrawl rejects unknown body ids', async () => {
    const res = await post('/admin/recrawl', JSON.stringify({ bodyIds: ['360802', '999999'] }), {
      'x-admin-token': ADMIN_TOKEN,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unknown body ids', issues: ['999999'] });
  });

  it('POST /admin/recrawl with the token crawls the body, and its report shows in /status', async () => {
    const res = await post('/admin/recrawl', JSON.stringify({ bodyIds: ['360802'] }), {
      'x-admin-token': ADMIN_TOKEN,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ queued: ['360802'], pending: [], fannedOut: 0 });

    await rt.settle();
    const status = await app.request('/status/360802');
    const json = await status.json();
    expect(json.state).toMatchObject({
      bodyId: '360802',
      consecutiveFailures: 0,
      lastSuccessAt: expect.any(String),
    });
    expect(json.reports.length).toBeGreaterThan(0);
    expect(json.reports[0]).toMatchObject({
      bodyId: '360802',
      url: expect.stringMatching(/^http:\/\/www\.jzq\.gov\.cn\//),
    });
  });

  it('serveApi() serves the same app over loopback HTTP', async () => {
    const server = await serveApi(rt.ctx, { adminToken: ADMIN_TOKEN });
    try {
      const res = await fetch(`${server.url}/status/2112`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ body: { id: '2112', name: '铁岭市人民政府' } });
    } finally {
      await server.close();
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.request('/nowhere');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no route GET /nowhere' });
  });
});
