import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import { loadRegistry } from '#shared/domain/registry.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import type { YearComparison } from '#shared/read/types.ts';
import { templatePage } from '#test/fixtures/corpus/make/template-page.ts';
import { storeReportPage } from '#test/support/read-fixtures.ts';

const BODY = {
  id: '620421-czj',
  name: '靖远县财政局',
  level: 'department',
  divisionCode: '620421',
  listingUrl: 'http://www.jingyuan.gov.cn/czj/ndbg/index.html',
};
const EDIT_2021 = '全年在门户网站公开部门预算和决算信息36条,其中三公经费说明4条。';
const EDIT_2022 = '全年在门户网站公开部门预算、决算和专项债券信息52条,其中三公经费说明4条。';

const page = (year: number, o: { active: number; newApps: number[]; overview: string }) =>
  templatePage({
    issuer: '靖远县财政局',
    year,
    template: '2021',
    layout: 'html',
    published: `${year + 1}-01-20`,
    active: o.active,
    newApps: o.newApps,
    carriedIn: [0, 0, 0, 0, 0, 0],
    open: o.newApps,
    partial: [0, 0, 0, 0, 0, 0],
    carriedOut: [0, 0, 0, 0, 0, 0],
    overview: o.overview,
  }).html as string;

describe('year-over-year comparison of two hand-made reports (2021, 2022) of one body', () => {
  let dir: string;
  let rt: Runtime;
  let app: ReturnType<typeof createApp>;
  let body: Body;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-compare-'));
    const { bodies, errors } = loadRegistry({ bodies: [BODY] });
    expect(errors).toEqual([]);
    body = bodies[0] as Body;
    rt = await startRuntime({
      config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }),
      registry: bodies,
    });
    await storeReportPage(rt.ctx, body, {
      html: page(2021, { active: 120, newApps: [10, 2, 0, 0, 0, 1], overview: EDIT_2021 }),
      url: 'http://www.jingyuan.gov.cn/czj/ndbg/202201/t20220120_1.html',
      seen: '2022-01-21T02:00:00.000Z',
    });
    await storeReportPage(rt.ctx, body, {
      html: page(2022, { active: 150, newApps: [14, 2, 0, 0, 0, 3], overview: EDIT_2022 }),
      url: 'http://www.jingyuan.gov.cn/czj/ndbg/202301/t20230120_1.html',
      seen: '2023-01-21T02:00:00.000Z',
    });
    app = createApp(rt.ctx, { publicUrl: 'https://nianbao.example' });
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every figure of 2022 beside 2021 with its change, and the edited paragraph', async () => {
    const res = await app.request(`/api/bodies/${body.id}/compare/2022`);
    expect(res.status).toBe(200);
    const cmp = (await res.json()) as YearComparison;
    expect(cmp.current?.year).toBe(2022);
    expect(cmp.previous?.year).toBe(2021);
    const changed = new Map(cmp.figures.filter((f) => f.status === 'changed').map((f) => [f.key, f]));
    expect(changed.get('applications.new.natural')).toMatchObject({ previous: 10, current: 14, change: 4 });
    expect(changed.get('applications.new.other')).toMatchObject({ previous: 1, current: 3, change: 2 });
    expect(changed.get('applications.new.total')).toMatchObject({ previous: 13, current: 19, change: 6 });
    // Unchanged figures are listed too, with no change.
    expect(cmp.figures.find((f) => f.key === 'applications.new.commercial')).toMatchObject({
      previous: 2,
      current: 2,
      change: 0,
      status: 'unchanged',
    });
    const removed = cmp.text
      .filter((t) => t.kind === 'removed')
      .map((t) => t.text)
      .join('');
    const added = cmp.text
      .filter((t) => t.kind === 'added')
      .map((t) => t.text)
      .join('');
    expect(removed).toContain(EDIT_2021);
    expect(added).toContain(EDIT_2022);
    expect(added).not.toContain(EDIT_2021);
  });

  it('exports the comparison as Markdown and HTML with each changed figure and the edit', async () => {
    const md = await (await app.request(`/api/bodies/${body.id}/compare/2022?format=md`)).text();
    expect(md).toContain('# 靖远县财政局 (620421-czj): 2022 vs 2021');
    expect(md).toMatch(/`applications\.new\.natural` \| 10 \| 14 \| \+4 \|/);
    // The paragraph's line, as it was and as it is now.
    const lines = md.split('\n');
    expect(lines.some((l) => l.startsWith('- ') && l.includes(EDIT_2021))).toBe(true);
    expect(lines.some((l) => l.startsWith('+ ') && l.includes(EDIT_2022))).toBe(true);
    const html = await app.request(`/api/bodies/${body.id}/compare/2022?format=html`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toMatch(new RegExp(`<del>[^<]*${EDIT_2021}</del>`));
    expect(page).toMatch(new RegExp(`<ins>[^<]*${EDIT_2022}</ins>`));
  });

  it('exports a DOCX that opens (read back with mammoth) with the figures and the edit', async () => {
    const res = await app.request(`/api/bodies/${body.id}/compare/2022?format=docx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('620421-czj-2022-vs-2021.docx');
    const buffer = Buffer.from(await res.arrayBuffer());
    const { value: text, messages } = await mammoth.extractRawText({ buffer });
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(text).toContain('靖远县财政局 (620421-czj): 2022 vs 2021');
    expect(text).toContain('applications.new.natural');
    const lines = text.split('\n');
    expect(lines.some((l) => l.startsWith('- ') && l.includes(EDIT_2021))).toBe(true);
    expect(lines.some((l) => l.startsWith('+ ') && l.includes(EDIT_2022))).toBe(true);
    // Deterministic: the same comparison exported again is the same bytes (no clock time inside), so its
    // ETag matches and a cache can answer 304.
    const again = Buffer.from(
      await (await app.request(`/api/bodies/${body.id}/compare/2022?format=docx`)).arrayBuffer(),
    );
    expect(again.equals(buffer)).toBe(true);
    const core = strFromU8(unzipSync(buffer)['docProps/core.xml']!);
    expect(core).toMatch(/<dcterms:created[^>]*>2000-01-01T00:00:00Z</);
    expect(core).toMatch(/<dcterms:modified[^>]*>2000-01-01T00:00:00Z</);
  });

  it('answers 400 for a bad year or format and 404 when neither year is stored', async () => {
    const bad = await app.request(`/api/bodies/${body.id}/compare/20x2?format=pdf`);
    expect(bad.status).toBe(400);
    const json = await bad.json();
    expect(json.fields.map((f: { field: string }) => f.field)).toEqual(['year']);
    const fmt = await app.request(`/api/bodies/${body.id}/compare/2022?format=pdf`);
    expect((await fmt.json()).fields[0].field).toBe('format');
    const none = await app.request(`/api/bodies/${body.id}/compare/2015`);
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ error: 'no 2015 or 2014 report of 620421-czj is stored' });
  });
});
