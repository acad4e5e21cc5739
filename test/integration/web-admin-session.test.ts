import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_SESSION_MS, issueAdminKey, revokeAdminKey } from '#shared/api/admin-token.ts';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';

const TOKEN = 'web-session-test-token-0123456789';
const ORIGIN = 'http://localhost';

/**
 * The dashboard's admin session and its answers to what it does not serve, over the app in process (no
 * browser): the cookie holds a random session id (the table only its hash), logout and revoking the key
 * end it, every admin POST is checked to come from this site; unknown paths, scopes and years answer
 * with a page that says so, and every response carries the security headers.
 */
describe('the dashboard admin session, 404s and bad scopes', () => {
  let dir: string;
  let rt: Runtime;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-web-session-'));
    await copyFile('seeds/bodies.json', join(dir, 'bodies.json'));
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_REGISTRY: join(dir, 'bodies.json'),
    });
    rt = await startRuntime({ config });
    app = createApp(rt.ctx, { adminToken: TOKEN, deadLetters: rt.deadLetters });
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Signs in with `key` from this site; returns the session cookie (`nb_admin=…`) and its attributes. */
  async function login(key: string, base = ORIGIN): Promise<{ cookie: string; attributes: string }> {
    const res = await app.request(`${base}/admin/login`, {
      method: 'POST',
      body: new URLSearchParams({ key }),
      headers: { origin: base },
    });
    expect(res.status).toBe(303);
    const set = res.headers.get('set-cookie') ?? '';
    const cookie = /nb_admin=[^;]*/.exec(set)?.[0] ?? '';
    return { cookie, attributes: set };
  }

  const adminPage = async (cookie: string) => (await app.request('/admin', { headers: { cookie } })).text();
  const signedIn = (page: string) => page.includes('action="/admin/logout"');

  it('keeps a random session id in the cookie, only its hash in the table, never the key', async () => {
    const { cookie, attributes } = await login(TOKEN);
    expect(cookie).toMatch(/^nb_admin=nbs_[\w-]{43}$/);
    expect(attributes).not.toContain(TOKEN);
    expect(attributes).toMatch(/HttpOnly/);
    expect(attributes).toMatch(/SameSite=Strict/);
    expect(attributes).toMatch(/Path=\/admin/);
    expect(attributes).not.toMatch(/Secure/);
    expect(attributes).toContain(`Max-Age=${ADMIN_SESSION_MS / 1000}`);
    const scan = await rt.ctx.repo.db.send(new ScanCommand({ TableName: rt.ctx.repo.table }));
    const sessions = (scan.Items ?? []).filter((i) => String(i.pk).startsWith('ADMINSESSION#'));
    expect(sessions.length).toBeGreaterThan(0);
    const id = cookie.slice('nb_admin='.length);
    expect(JSON.stringify(scan.Items)).not.toContain(id);
    expect(JSON.stringify(scan.Items)).not.toContain(TOKEN);
    expect(signedIn(await adminPage(cookie))).toBe(true);
    // The old form of the cookie, the key itself, opens nothing.
    expect(signedIn(await adminPage(`nb_admin=${TOKEN}`))).toBe(false);
  });

  it('marks the cookie Secure when the page is served over https', async () => {
    const { attributes } = await login(TOKEN, 'https://dashboard.example.org');
    expect(attributes).toMatch(/Secure/);
  });

  it('ends the session at logout, which must come from this site', async () => {
    const { cookie } = await login(TOKEN);
    const forged = await app.request('/admin/logout', {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    const fetchMeta = await app.request('/admin/logout', {
      method: 'POST',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchMeta.status).toBe(403);
    expect(signedIn(await adminPage(cookie))).toBe(true);
    const out = await app.request('/admin/logout', { method: 'POST', headers: { cookie, origin: ORIGIN } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/nb_admin=;.*Max-Age=0/);
    // A copy of the cookie kept past the logout opens nothing.
    expect(signedIn(await adminPage(cookie))).toBe(false);
    const action = await app.request('/admin/do/recrawl', {
      method: 'POST',
      body: new URLSearchParams({ bodyId: '360802' }),
      headers: { cookie, origin: ORIGIN },
    });
    expect(action.status).toBe(401);
  });

  it('ends every session of an issued key when the key is revoked', async () => {
    const key = await issueAdminKey(rt.ctx.repo, 'session test', new Date());
    const { cookie } = await login(key);
    expect(signedIn(await adminPage(cookie))).toBe(true);
    expect(await revokeAdminKey(rt.ctx.repo, key, new Date())).toBe(true);
    expect(signedIn(await adminPage(cookie))).toBe(false);
    expect(
      (await app.request('/admin/failing', { headers: { 'x-admin-session': cookie.slice(9) } })).status,
    ).toBe(403);
    expect(await revokeAdminKey(rt.ctx.repo, key, new Date())).toBe(false);
  });

  it('ends a session after its eight hours', async () => {
    const { cookie } = await login(TOKEN);
    const later = new Date(Date.now() + ADMIN_SESSION_MS + 60_000);
    const tomorrow = createApp({ ...rt.ctx, now: () => later }, { adminToken: TOKEN });
    const page = await (await tomorrow.request('/admin', { headers: { cookie } })).text();
    expect(signedIn(page)).toBe(false);
  });

  it('counts an admin page view once, not each list it asks the API for', async () => {
    // Three admin requests a minute: a page view asks five lists in process, and is one request.
    const limited = createApp(rt.ctx, { adminToken: TOKEN, rateLimits: { adminPerMinute: 3 } });
    const { cookie } = await login(TOKEN);
    const client = { incoming: { socket: { remoteAddress: '198.51.100.7' } } };
    const view = () => limited.request('/admin', { headers: { cookie } }, client);
    for (let i = 0; i < 3; i += 1) {
      const res = await view();
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('队列深度');
    }
    expect((await view()).status).toBe(429);
  });

  it('answers a browser an HTML 404 page and a client JSON, both with the security headers', async () => {
    const html = await app.request('/no/such/page', { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('没有这个页面');
    for (const [path, accept] of [
      ['/no/such/page', 'application/json'],
      ['/api/no-such-route', 'text/html'],
    ]) {
      const res = await app.request(path!, { headers: { accept: accept! } });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: `no route GET ${path}` });
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
    const tooLarge = await app.request('/subscriptions', {
      method: 'POST',
      body: 'x'.repeat(200 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('x-content-type-options')).toBe('nosniff');
    expect(tooLarge.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('answers an unknown scope with 404 and a year that cannot be with 400, saying why', async () => {
    const cases: Array<[string, number, string]> = [
      ['/?scope=99', 404, '&quot;99&quot; 既不是已登记机关的编号'],
      ['/?scope=110101', 404, '东城区 (110101) 没有登记的机关'],
      ['/?scope=360802-nope', 404, '360802-nope is neither a registered body'],
      ['/?year=2007', 400, 'report years start at 2008'],
      ['/?year=2030', 400, '2030 has not come yet'],
      ['/reports/140702/2030', 400, '2030 has not come yet'],
      ['/bodies/140702/compare/1999', 400, 'report years start at 2008'],
    ];
    for (const [path, status, text] of cases) {
      const res = await app.request(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await res.text(), path).toContain(text);
    }
    const known = await app.request('/?scope=36');
    expect(known.status).toBe(200);
  });
});
