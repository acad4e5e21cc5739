import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { perBodyFindings, scopeFindings } from '#shared/read/findings.ts';
import { batchPut } from '#shared/store/batch-write.ts';
import { keys } from '#shared/store/table.ts';
import { finding, reportItem } from '#test/support/findings-seed.ts';
import { scaleRegistry } from '#test/support/read-scale.ts';

/*
 * A finding that an old report gains (a revision with injected spam, a re-parse by a new rule) is news: the
 * feeds and /api/findings list it — with the report's other findings — at the time it was gained, on the
 * first page a reader polls, not back at the report's first sighting. A revision or re-parse that gains no
 * finding leaves the report where it was. Read from the findings index (40 bodies) and body by body alike.
 */
const PUBLIC = 'https://nianbao.example.org';
const minute = (i: number) => new Date(Date.parse('2025-03-01T00:00:00.000Z') + i * 60_000).toISOString();

describe('findings gained by an old report', () => {
  let dir: string;
  let rt: Runtime;
  let app: ReturnType<typeof createApp>;
  const registry = scaleRegistry(40);
  const oldest = registry[0] as (typeof registry)[number];
  const second = registry[1] as (typeof registry)[number];
  const firstPage = async () =>
    (
      (await (await app.request('/api/findings?scope=*&limit=5')).json()) as { items: Array<{ id: string }> }
    ).items.map((f) => f.id);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-findings-news-'));
    rt = await startRuntime({
      config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }),
      registry,
    });
    await batchPut(
      rt.ctx.repo,
      registry.map((b, i) => ({
        ...keys.report(b.id, 2024),
        ...reportItem(b, 2024, minute(i), [
          finding('arith.sum', `合计 ${i}`),
          finding('arith.percent', `百分比 ${i}`),
        ]),
      })),
    );
    app = createApp(rt.ctx, { publicUrl: PUBLIC });
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a revision that brings a finding puts the report first; one that brings none leaves it', async () => {
    expect(await firstPage()).not.toContain(`${oldest.id}:2024:arith.sum:0`);
    const [v1] = await rt.ctx.repo.listReports(oldest.id);
    if (!v1) throw new Error('seeded report missing');
    // Same findings, new bytes: no news.
    await rt.ctx.repo.recordReport({
      ...v1,
      sha256: 'b'.repeat(64),
      versionSeen: '2026-11-24T01:00:00.000Z',
    });
    expect(await firstPage()).not.toContain(`${oldest.id}:2024:arith.sum:0`);
    const v2 = (await rt.ctx.repo.listReports(oldest.id))[0];
    if (!v2) throw new Error('revised report missing');
    await rt.ctx.repo.recordReport({
      ...v2,
      sha256: 'c'.repeat(64),
      versionSeen: '2026-11-24T02:00:00.000Z',
      findings: [...v2.findings, finding('spam.injection', '体育365网投')],
    });
    expect((await firstPage()).slice(0, 3).sort()).toEqual(
      [
        `${oldest.id}:2024:arith.percent:0`,
        `${oldest.id}:2024:arith.sum:0`,
        `${oldest.id}:2024:spam.injection:0`,
      ].sort(),
    );
    const all = await scopeFindings(rt.ctx, '*', 1000);
    expect(all.find((f) => f.id === `${oldest.id}:2024:spam.injection:0`)?.at).toBe(
      '2026-11-24T02:00:00.000Z',
    );
    expect(all).toEqual(await perBodyFindings(rt.ctx, registry, 1000));
  });

  it('a re-parse that gains a finding does the same; one that only drops a finding does not', async () => {
    const [r] = await rt.ctx.repo.listReports(second.id);
    if (!r) throw new Error('seeded report missing');
    await rt.ctx.repo.setFindings(second.id, 2024, r.findings.slice(0, 1), '2026-11-24T03:00:00.000Z');
    expect(await firstPage()).not.toContain(`${second.id}:2024:arith.sum:0`);
    await rt.ctx.repo.setFindings(
      second.id,
      2024,
      [...r.findings, finding('text.garbled', '??')],
      '2026-11-24T04:00:00.000Z',
    );
    expect((await firstPage()).slice(0, 3).sort()).toEqual(
      [
        `${second.id}:2024:arith.percent:0`,
        `${second.id}:2024:arith.sum:0`,
        `${second.id}:2024:text.garbled:0`,
      ].sort(),
    );
    expect(await scopeFindings(rt.ctx, '*', 1000)).toEqual(await perBodyFindings(rt.ctx, registry, 1000));
  });
});
