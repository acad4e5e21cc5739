import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { reparseArchive } from '#shared/stages/reparse-stage.ts';
import { startBackdateSite } from '#test/support/backdate-site.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';

/**
 * date.backdated over the embedded runtime on an injected clock (noon in Beijing of each day):
 * - `late`: read completely on 5 January without the 2023 report, which appears on the 10th dated the 3rd;
 * - `there`: listed from the first read on the 5th (truly there when first looked at);
 * - `lag`: missing from a complete read on the 4th, one day after its page date (within the tolerance);
 * - `redated`: listed from the 5th, its page date changed from the 3rd to the 8th on the 10th (date.changed);
 * - `there` also gets a new copy on the 10th whose date is unchanged (a corrected line): no date.changed.
 * Report pages are re-checked every crawl (NIANBAO_REPORT_RECHECK_DAYS 0).
 */
describe('adv16b: date.backdated / date.changed under reparse --all', () => {
  let dir: string;
  let rt: Runtime;
  const sites: Record<
    'late' | 'there' | 'lag' | 'redated',
    Awaited<ReturnType<typeof startBackdateSite>>
  > = {} as never;
  let clock = new Date('2024-01-04T04:00:00Z');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-backdated-'));
    sites.late = await startBackdateSite('bdl');
    sites.there = await startBackdateSite('bdt');
    sites.lag = await startBackdateSite('bdg');
    sites.redated = await startBackdateSite('bdc');
    sites.there.state.show2023 = true;
    sites.redated.state.show2023 = true;
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_REPORT_RECHECK_DAYS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: Object.values(sites)
        .map((s) => s.origin)
        .join(','),
    });
    rt = await startRuntime({ config, registry: Object.values(sites).map((s) => s.body), now: () => clock });
    // 4 January: `lag` read without 2023 (one day after its page date).
    await crawlOnce(rt, [sites.lag.body.id]);
    // 5 January: `late` read without 2023; `there` and `redated` list it; `lag` now lists it.
    clock = new Date('2024-01-05T04:00:00Z');
    sites.lag.state.show2023 = true;
    await crawlOnce(rt);
    // 10 January: `late` lists it at last.
    clock = new Date('2024-01-10T04:00:00Z');
    sites.late.state.show2023 = true;
    sites.redated.state.date2023 = '2024-01-08';
    sites.there.state.note = '<p>(本页于2024年1月10日更正了联系电话)</p>';
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    for (const s of Object.values(sites)) await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reparse --all (every body, every revision) twice changes nothing: same findings, same page date, no new alert', async () => {
    const snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(sites)) {
        const r = await rt.ctx.repo.getReport(s.body.id, 2023);
        out[k] = {
          publishedAt: r?.publishedAt,
          firstSeen: r?.firstSeen,
          revisions: r?.revisions,
          sha256: r?.sha256,
          findings: (r?.findings ?? []).map((f) => `${f.rule}:${f.severity}`).sort(),
          backdatedAlert: !!(await rt.ctx.repo.getAlert(`date.backdated/${s.body.id}/2023`)),
          changedAlert: !!(await rt.ctx.repo.getAlert(`date.changed/${s.body.id}/2023`)),
        };
      }
      return out;
    };
    const before = await snapshot();
    // Before: redated 2 revisions, current copy = the 10 January one; there 2 revisions. After one reparse of
    // every archived page (what `nianbao reparse --all` does): redated 3 revisions and its current copy is the
    // 5 January one again (the archive lists keys in sha256 order, not time order); there 4. Twice: 5 and 6.
    const first = await reparseArchive(rt.ctx);
    expect(await snapshot()).toEqual(before);
    const second = await reparseArchive(rt.ctx);
    expect(await snapshot()).toEqual(before);
    const said = [...first, ...second].flatMap((c) =>
      c.changed.map((x) => `${c.bodyId} ${c.rawKey.slice(-12)}: ${x}`),
    );
    expect(said).toEqual([]);
  });
});
