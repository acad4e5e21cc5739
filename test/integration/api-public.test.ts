import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import XLSX from '@e965/xlsx';
import { Validator } from '@seriousme/openapi-schema-validator';
import * as cheerio from 'cheerio';
import fxp from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { createApp } from '#shared/api/app.ts';
import { serveApi } from '#shared/api/serve.ts';
import { loadConfig } from '#shared/config.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { openApiProblems } from '#test/support/openapi-check.ts';

const TODAY = '2026-11-24';
const PUBLIC = 'https://nianbao.example.org';
const IDS = ['140702', '2112', '360802', '411328', '620421-rsj'];

describe('the public read API after the demo cycle', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let app: ReturnType<typeof createApp>;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await app.request(path, { headers });
    return { res, json: res.headers.get('content-type')?.includes('json') ? await res.json() : null };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-api-public-'));
    portal = await startDemoPortal();
    const config = loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0', NIANBAO_TODAY: TODAY });
    rt = await startRuntime({ config, originMap: portal.originMap });
    await runCycle(rt, { force: true });
    app = createApp(rt.ctx, { publicUrl: PUBLIC });
  });
  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /status shows 2025 missing for all five bodies, with the deadline and the legal basis', async () => {
    const { res, json } = await get('/status');
    expect(res.status).toBe(200);
    expect(json.items.map((b: { body: { id: string } }) => b.body.id)).toEqual(IDS);
    for (const b of json.items) {
      const y = b.years.find((v: { year: number }) => v.year === 2025);
      expect(y, b.body.id).toMatchObject({
        outcome: 'missing',
        deadline: {
          date: b.body.id === '620421-rsj' ? '2026-01-31' : '2026-03-31',
          basis: expect.stringContaining('第四十九条'),
        },
      });
    }
    const one = await get('/status/360802');
    expect(one.json.years[0]).toMatchObject({ year: 2025, outcome: 'missing', deadline: { regime: '2019' } });
  });

  it('searches bodies with filters and pagination, and names bad parameters', async () => {
    expect(
      (await get('/api/bodies?q=%E5%94%90%E6%B2%B3')).json.items.map((b: { id: string }) => b.id),
    ).toEqual(['411328']);
    expect((await get('/api/bodies?level=city')).json.items.map((b: { id: string }) => b.id)).toEqual([
      '2112',
    ]);
    expect((await get('/api/bodies?parent=36')).json.items.map((b: { id: string }) => b.id)).toEqual([
      '360802',
    ]);
    const p1 = (await get('/api/bodies?limit=2')).json;
    const p3 = (await get('/api/bodies?limit=2&offset=4')).json;
    expect([p1.total, p1.items.length, p3.items.length]).toEqual([5, 2, 1]);
    expect(p3.items[0].id).toBe('620421-rsj');
    const bad = await get('/api/bodies?limit=0&level=village');
    expect(bad.res.status).toBe(400);
    expect(bad.json.fields.map((f: { field: string }) => f.field).sort()).toEqual(['level', 'limit']);
    expect(bad.json.error).toBe('invalid query');
  });

  it('serves a body, its years and one report, and 404s what is not there', async () => {
    const body = await get('/api/bodies/411328');
    expect(body.json.body.parents.map((p: { name: string }) => p.name)).toEqual(['河南省', '南阳市']);
    expect(body.json.health.reachable).toBe(true);
    const years = await get('/api/bodies/411328/years');
    expect(years.json.years.map((y: { year: number; outcome: string }) => [y.year, y.outcome])).toEqual([
      [2025, 'missing'],
      [2018, 'on-time'],
    ]);
    const report = await get('/api/bodies/411328/reports/2018');
    expect(report.res.status).toBe(200);
    for (const f of report.json.figures.slice(0, 20))
      expect(report.json.originalText.slice(f.start, f.end)).toBe(f.raw);
    expect(report.json.archived[0].url).toMatch(/^http:\/\//);
    expect((await get('/api/bodies/411328/reports/2019')).res.status).toBe(404);
    expect((await get('/api/bodies/999999')).json).toEqual({ error: 'unknown body 999999' });
    expect((await get('/api/bodies/%E5%90%89/years')).res.status).toBe(400);
  });

  it('counts the scoreboard and exports it as CSV with a BOM that a spreadsheet parser reads', async () => {
    const board = await get('/api/scoreboard?year=2025');
    expect(board.json.totals).toMatchObject({ bodies: 5, outcomes: { missing: 5 }, findings: { error: 5 } });
    expect((await get('/api/scoreboard')).json.fields[0]).toEqual({
      field: 'year',
      reason: expect.any(String),
    });
    const res = await app.request('/api/export/scoreboard.csv?year=2025');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const sheet = XLSX.read(bytes, { type: 'buffer' });
    const rows = XLSX.utils.sheet_to_json<string[]>(sheet.Sheets[sheet.SheetNames[0] as string]!, {
      header: 1,
    });
    expect(rows[0]).toEqual([
      'code',
      'name',
      'bodies',
      'on-time',
      'late',
      'undated',
      'missing',
      'inconclusive',
      'unreachable',
      'not-judged',
      'findings-error',
      'findings-warning',
      'findings-info',
    ]);
    expect(rows.map((r) => r[1])).toContain('江西省');
    expect(rows.at(-1)?.[0]).toBe('total');
  });

  it('publishes findings as RSS, Atom and JSON Feed, newest first, linking evidence pages on the public URL', async () => {
    const host = { host: 'evil.example' };
    const rss = await app.request('/api/feeds/rss?scope=*', { headers: host });
    expect(rss.headers.get('content-type')).toMatch(/rss\+xml/);
    const rssText = await rss.text();
    expect(fxp.validate(rssText)).toBe(true);
    const $ = cheerio.load(rssText, { xml: true });
    const links = $('item > link')
      .map((_, e) => $(e).text())
      .get();
    expect(links.length).toBeGreaterThan(5);
    for (const l of links) expect(l).toMatch(new RegExp(`^${PUBLIC}/evidence/[^/]+$`));
    const dates = $('item > pubDate')
      .map((_, e) => Date.parse($(e).text()))
      .get();
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);

    const atomRes = await app.request('/api/feeds/atom?scope=3608', { headers: host });
    const atom = await atomRes.text();
    expect(atom.slice(0, 200)).toMatch(/^<\?xml/);
    expect(fxp.validate(atom)).toBe(true);
    const $a = cheerio.load(atom, { xml: true });
    expect($a('feed > entry').length).toBeGreaterThan(0);
    expect(
      $a('feed > entry > link')
        .map((_, e) => $a(e).attr('href'))
        .get()
        .every((h) => h.startsWith(`${PUBLIC}/evidence/360802%3A`)),
    ).toBe(true);

    const jf = await (await app.request('/api/feeds/json?scope=620421-rsj')).json();
    expect(jf.version).toMatch(/jsonfeed\.org\/version\/1/);
    expect(jf.items.map((i: { id: string }) => i.id)).toContain(
      `${PUBLIC}/evidence/${encodeURIComponent('620421-rsj:2025:deadline.missing:0')}`,
    );
    expect(jf.items.every((i: { url: string }) => i.url.startsWith(`${PUBLIC}/evidence/`))).toBe(true);

    const feed = await app.request('/feed');
    expect(feed.status).toBe(302);
    expect(feed.headers.get('location')).toBe(`${PUBLIC}/api/feeds/rss`);
    // The other addresses a user would try answer too: /export.csv and /bodies redirect to their pages.
    const exportCsv = await app.request('/export.csv');
    expect(exportCsv.status).toBe(302);
    expect(exportCsv.headers.get('location')).toBe(`${PUBLIC}/api/export/dataset?format=csv`);
    const bodies = await app.request('/bodies?q=吉州');
    expect(bodies.status).toBe(302);
    expect(bodies.headers.get('location')).toBe(`${PUBLIC}/search?q=${encodeURIComponent('吉州')}`);
    expect((await get('/api/feeds/xml')).res.status).toBe(400);
  });

  it('pages findings and feeds with a cursor: the pages joined are the whole list, a bad cursor is a 400', async () => {
    const whole = (await get('/api/findings?scope=*&limit=1000')).json;
    expect(whole.next).toBeNull();
    const ids = whole.items.map((f: { id: string }) => f.id);
    expect(ids.length).toBeGreaterThan(4);

    const paged: string[] = [];
    let url: string | null = `/api/findings?scope=*&limit=2`;
    for (let pages = 0; url && pages < 100; pages += 1) {
      const { res, json } = await get(url);
      expect(res.status).toBe(200);
      expect(json.items.length).toBeLessThanOrEqual(2);
      paged.push(...json.items.map((f: { id: string }) => f.id));
      // nextUrl is on the configured public URL; the app answers its path and query.
      if (json.next) expect(json.nextUrl).toBe(`${PUBLIC}/api/findings?scope=*&limit=2&cursor=${json.next}`);
      url = json.nextUrl ? json.nextUrl.slice(PUBLIC.length) : null;
    }
    expect(paged).toEqual(ids);

    // Feeds: a full page names the page after (RFC 5005 rel="next"; JSON Feed next_url), the last names none.
    const first = await (await app.request('/api/feeds/json?scope=*&limit=3')).json();
    expect(first.items.map((i: { id: string }) => i.id)).toEqual(
      ids.slice(0, 3).map((id: string) => `${PUBLIC}/evidence/${encodeURIComponent(id)}`),
    );
    expect(first.next_url).toMatch(new RegExp(`^${PUBLIC}/api/feeds/json\\?scope=\\*&limit=3&cursor=`));
    const second = await (await app.request(first.next_url.slice(PUBLIC.length))).json();
    expect(second.items.map((i: { id: string }) => i.id)).toEqual(
      ids.slice(3, 6).map((id: string) => `${PUBLIC}/evidence/${encodeURIComponent(id)}`),
    );
    // Each page's own URL is its self link (RFC 4287 §4.2.7.2; JSON Feed feed_url): limit and cursor kept.
    expect(first.feed_url).toBe(`${PUBLIC}/api/feeds/json?scope=*&limit=3`);
    expect(second.feed_url).toBe(first.next_url);
    const plain = await (await app.request('/api/feeds/json?scope=*')).json();
    expect(plain.feed_url).toBe(`${PUBLIC}/api/feeds/json?scope=*`);
    const atom = await (await app.request('/api/feeds/atom?scope=*&limit=3')).text();
    expect(fxp.validate(atom)).toBe(true);
    const $a = cheerio.load(atom, { xml: true });
    expect($a('feed > link[rel="self"]').attr('href')).toBe(`${PUBLIC}/api/feeds/atom?scope=*&limit=3`);
    const nextAtom = $a('feed > link[rel="next"]').attr('href');
    expect(nextAtom).toMatch(new RegExp(`^${PUBLIC}/api/feeds/atom\\?scope=\\*&limit=3&cursor=`));
    const rss = await (await app.request('/api/feeds/rss?scope=*&limit=3')).text();
    expect(fxp.validate(rss)).toBe(true);
    const $r = cheerio.load(rss, { xml: true });
    expect($r('channel > atom\\:link[rel="next"]').attr('href')).toMatch(
      new RegExp(`^${PUBLIC}/api/feeds/rss\\?scope=\\*&limit=3&cursor=`),
    );
    const last = await (await app.request(`/api/feeds/json?scope=*&limit=1000`)).json();
    expect(last.next_url).toBeUndefined();

    for (const bad of [
      'nope!',
      'bm9wZQ',
      Buffer.from('["yesterday","x"]').toString('base64url'),
      'x'.repeat(3000),
    ]) {
      const { res, json } = await get(`/api/findings?cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(json.fields, bad).toEqual([{ field: 'cursor', reason: expect.stringContaining('cursor') }]);
      expect((await get(`/api/feeds/rss?cursor=${encodeURIComponent(bad)}`)).res.status, bad).toBe(400);
    }
  });

  it('takes full 6-digit division codes as scopes, keeps the query of /feed, refuses counts and cursors it did not write', async () => {
    for (const scope of ['360000', '360800', '36', '3608']) {
      expect((await get(`/api/findings?scope=${scope}`)).res.status, scope).toBe(200);
      expect((await get(`/api/feeds/atom?scope=${scope}`)).res.status, scope).toBe(200);
      expect((await get(`/api/scoreboard?year=2025&scope=${scope}`)).res.status, scope).toBe(200);
    }
    expect((await get('/api/findings?scope=360000')).json.items.map((f: { id: string }) => f.id)).toEqual(
      (await get('/api/findings?scope=36')).json.items.map((f: { id: string }) => f.id),
    );
    expect((await get('/api/findings?scope=990000')).res.status).toBe(404);
    const feed = await app.request('/feed?scope=36&limit=5');
    expect(feed.status).toBe(302);
    expect(feed.headers.get('location')).toBe(`${PUBLIC}/api/feeds/rss?scope=36&limit=5`);
    for (const limit of ['1e2', '0x10', '+5', ' 5', '5.0']) {
      const { res, json } = await get(`/api/findings?limit=${encodeURIComponent(limit)}`);
      expect(res.status, limit).toBe(400);
      expect(
        json.fields.map((f: { field: string }) => f.field),
        limit,
      ).toEqual(['limit']);
    }
    const cursorOf = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
    for (const [at, id] of [
      ['2026-02-30T00:00:00.000Z', '360802:2025:deadline.missing:0'],
      ['2026-01-01T24:00:00.000Z', '360802:2025:deadline.missing:0'],
      ['2026-01-01T08:00:00.000+08:00', '360802:2025:deadline.missing:0'],
      ['2026-01-01T00:00:00Z', '360802:2025:deadline.missing:0'],
      ['2026-01-01T00:00:00.000Z', 'a\u0000b'],
    ]) {
      const { res } = await get(`/api/findings?cursor=${cursorOf(at as string, id as string)}`);
      expect(res.status, `${at} ${JSON.stringify(id)}`).toBe(400);
    }
    expect((await get(`/api/findings?cursor=${cursorOf('2026-01-01T00:00:00.000Z', 'x')}`)).res.status).toBe(
      200,
    );
  });

  it('streams the dataset of every figure with provenance as CSV and JSON Lines', async () => {
    const csv = Buffer.from(await (await app.request('/api/export/dataset?format=csv')).arrayBuffer());
    const sheet = XLSX.read(csv, { type: 'buffer' });
    const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(
      sheet.Sheets[sheet.SheetNames[0] as string]!,
      {
        raw: false,
        defval: '',
      },
    );
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'bodyId',
      'bodyName',
      'year',
      'key',
      'label',
      'value',
      'unit',
      'raw',
      'start',
      'end',
      'sourceUrl',
      'sha256',
      'rawKey',
      'publishedAt',
    ]);
    expect(new Set(rows.map((r) => r.bodyId))).toEqual(new Set(IDS));
    expect(rows.some((r) => r.bodyName === '榆次区人民政府')).toBe(true);
    const lines = (await (await app.request('/api/export/dataset?format=jsonl')).text()).trim().split('\n');
    expect(lines).toHaveLength(rows.length);
    const records = lines.map((l) => JSON.parse(l));
    expect(records.find((r) => r.key === 'narrative.service.closed')).toMatchObject({
      bodyId: '140702',
      value: 41859,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // A blank cell stays blank: null in JSON, an empty field in CSV, never 0.
    const blanks = records.filter((r) => r.value === null);
    const csvBlanks = rows.filter((r) => r.value === '');
    expect(csvBlanks.length).toBe(blanks.length);
    expect((await get('/api/export/dataset?format=xlsx')).res.status).toBe(400);
  });

  it('generates /openapi.json as valid OpenAPI 3.1 listing every route of the app, with a docs page', async () => {
    const { json: doc } = await get('/openapi.json');
    // Against the OpenAPI Initiative's JSON Schema for 3.1 (@seriousme/openapi-schema-validator), then the
    // rules a schema cannot say (path templates declared, unique operationIds: openapi-check.ts).
    const validator = new Validator();
    expect(await validator.validate(structuredClone(doc))).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
    // The findings page documents its cursor fields, and the scope routes their 404.
    const findings = doc.paths['/api/findings'].get;
    expect(Object.keys(findings.responses)).toEqual(expect.arrayContaining(['200', '404']));
    expect(JSON.stringify(findings.responses['200'])).toMatch(/"next".*"nextUrl"/);
    for (const path of ['/api/feeds/{format}', '/api/scoreboard', '/api/export/scoreboard.csv'])
      expect(Object.keys(doc.paths[path].get.responses), path).toContain('404');
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe(PUBLIC);
    const listed = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
      ),
    );
    const routes = app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) expect(listed, r).toContain(r);
    const years = doc.paths['/api/bodies/{bodyId}/reports/{year}'].get;
    expect(years.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:bodyId',
      'path:year',
    ]);
    expect(doc.paths['/admin/recrawl'].post.security).toBeDefined();
    const docs = await app.request('/api/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('GET /api/bodies/{bodyId}/years');
  });

  it('refuses a request body over the limit with 413, whether it states its length or not', async () => {
    const big = JSON.stringify({ email: 'a@example.org', scopes: ['*'], pad: 'x'.repeat(100_000) });
    const res = await app.request('/subscriptions', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'request body too large (limit 65536 bytes)' });
    // Chunked, with no Content-Length: counted while read, over real HTTP.
    const server = await serveApi(rt.ctx, { adminToken: 'x'.repeat(20) });
    try {
      const chunks = new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i += 1) c.enqueue(new TextEncoder().encode('y'.repeat(10_000)));
          c.close();
        },
      });
      const streamed = await fetch(`${server.url}/admin/recrawl`, {
        method: 'POST',
        body: chunks,
        duplex: 'half',
        headers: { 'x-admin-token': 'x'.repeat(20) },
      } as RequestInit);
      expect(streamed.status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('limits each client per minute (429 with Retry-After), counted in the store, clients apart', async () => {
    const limited = createApp(rt.ctx, { rateLimits: { publicPerMinute: 3 } });
    const as = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await limited.request('/health', {}, as('192.0.2.7'))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await limited.request('/health', {}, as('192.0.2.7'));
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatch(/^too many requests/);
    expect((await limited.request('/health', {}, as('192.0.2.8'))).status).toBe(200);
    // A second app over the same store (another Lambda container) sees the same count.
    const other = createApp(rt.ctx, { rateLimits: { publicPerMinute: 3 } });
    expect((await other.request('/health', {}, as('192.0.2.7'))).status).toBe(429);
  });
});
