import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import {
  bodyDetail,
  bodyYears,
  compareYears,
  NotFoundError,
  reportDetail,
  scopeFindings,
  scoreboard,
  searchBodies,
} from '#shared/read/index.ts';

const TODAY = '2026-11-24';

describe('the read model (shared/read) after the demo cycle', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-read-'));
    portal = await startDemoPortal();
    const config = loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0', NIANBAO_TODAY: TODAY });
    rt = await startRuntime({ config, originMap: portal.originMap });
    await runCycle(rt, { force: true });
  });
  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('searches bodies by name, code, level and parent, paginated', () => {
    expect(searchBodies(rt.ctx.registry, { q: '吉州' }).items.map((b) => b.id)).toEqual(['360802']);
    expect(searchBodies(rt.ctx.registry, { q: '3608' }).items.map((b) => b.id)).toEqual(['360802']);
    expect(searchBodies(rt.ctx.registry, { level: 'department' }).items.map((b) => b.id)).toEqual([
      '620421-rsj',
    ]);
    expect(searchBodies(rt.ctx.registry, { parent: '62' }).items.map((b) => b.id)).toEqual(['620421-rsj']);
    const page = searchBodies(rt.ctx.registry, { offset: 2, limit: 2 });
    expect(page).toMatchObject({ total: 5, offset: 2, limit: 2 });
    expect(page.items.map((b) => b.id)).toEqual(['360802', '411328']);
  });

  it('shows 2025 missing for all five bodies, with the deadline and its legal basis', async () => {
    for (const id of rt.ctx.registry.keys()) {
      const years = await bodyYears(rt.ctx, id);
      const y2025 = years.years.find((y) => y.year === 2025);
      expect(y2025, id).toMatchObject({ due: true, outcome: 'missing' });
      expect(y2025?.deadline.basis).toMatch(/政府信息公开条例.*\(2019\) 第四十九条/);
      expect(y2025?.deadline.date).toBe(id === '620421-rsj' ? '2026-01-31' : '2026-03-31');
      expect(y2025?.findings.map((f) => f.rule)).toEqual(['deadline.missing']);
    }
    const jz = await bodyYears(rt.ctx, '360802');
    expect(jz.years.find((y) => y.year === 2017)).toMatchObject({
      due: false,
      outcome: 'on-time',
      publishedAt: '2018-02-10',
      deadline: { date: '2018-03-31' },
    });
  });

  it('gives a body its parent chain, health and check log', async () => {
    const d = await bodyDetail(rt.ctx, '620421-rsj');
    expect(d.body.parents.map((p) => p.name)).toEqual(['甘肃省', '白银市', '靖远县']);
    expect(d.health).toMatchObject({ reachable: true, consecutiveFailures: 0 });
    expect(d.lastCheck?.complete).toBe(true);
    expect(d.recentChecks.length).toBeGreaterThanOrEqual(1);
    await expect(bodyDetail(rt.ctx, '999999')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('gives a report its figures with offsets into the text, findings, revisions and archived copies', async () => {
    const r = await reportDetail(rt.ctx, '140702', 2011);
    const closed = r.figures.find((f) => f.key === 'narrative.service.closed');
    expect(closed?.value).toBe(41859);
    expect(r.originalText.slice(closed!.start, closed!.end)).toBe(closed!.raw);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings[0]?.id).toMatch(/^140702:2011:[a-z]+\.[a-z-]+:0$/);
    expect(r.revisions).toHaveLength(1);
    expect(r.archived[0]).toMatchObject({ status: 200, sha256: r.report.sha256 });
    await expect(reportDetail(rt.ctx, '140702', 2012)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('compares a year with an absent previous year: every figure added', async () => {
    const c = await compareYears(rt.ctx, '140702', 2011);
    expect(c.previous).toBeNull();
    expect(c.figures.every((f) => f.status === 'added')).toBe(true);
    expect(c.text.every((t) => t.kind === 'added')).toBe(true);
  });

  it('counts the 2025 scoreboard per province and lists findings newest first', async () => {
    const board = await scoreboard(rt.ctx, 2025, '*');
    expect(board.totals.bodies).toBe(5);
    expect(board.totals.outcomes.missing).toBe(5);
    expect(board.rows.map((r) => r.name)).toContain('江西省');
    const findings = await scopeFindings(rt.ctx, '*');
    expect(findings.length).toBeGreaterThan(5);
    const times = findings.map((f) => f.at);
    expect([...times].sort().reverse()).toEqual(times);
  });
});
