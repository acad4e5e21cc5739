import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { buildEvidencePackage, PACKAGE_PATHS, parseTarget } from '#shared/evidence/package-build.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { reportDetail } from '#shared/read/reports.ts';
import { reparseArchive } from '#shared/stages/reparse-stage.ts';
import { listChecksBetween } from '#shared/store/crawl-state.ts';
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
describe('date.backdated', () => {
  let dir: string;
  let rt: Runtime;
  const sites: Record<
    'late' | 'there' | 'lag' | 'redated',
    Awaited<ReturnType<typeof startBackdateSite>>
  > = {} as never;
  let clock = new Date('2024-01-04T04:00:00Z');
  const alertIds = async (bodyId: string) =>
    (await rt.ctx.repo.getAlert(`date.backdated/${bodyId}/2023`)) ? [`date.backdated/${bodyId}/2023`] : [];

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

  it('accuses a report dated the 3rd that a complete read on the 5th did not list, with that read as evidence', async () => {
    const report = await rt.ctx.repo.getReport(sites.late.body.id, 2023);
    expect(report).toMatchObject({ publishedAt: '2024-01-03', firstSeen: '2024-01-10T04:00:00.000Z' });
    const alert = await rt.ctx.repo.getAlert(`date.backdated/${sites.late.body.id}/2023`);
    expect(alert?.finding.severity).toBe('error');
    expect(alert?.finding.message.zh).toBe(
      '报告发布日期为2024-01-03,但2024-01-05完整读取栏目列表时该报告尚未出现(首次发现于2024-01-10),发布日期早于实际上网日期',
    );
    const checkEvidence = alert?.finding.evidence.filter((e) => e.where === 'listing page read') ?? [];
    expect(checkEvidence.map((e) => e.quote)).toEqual([sites.late.body.listingUrl]);
    expect(checkEvidence[0]?.computation).toMatch(
      /^read 2024-01-05T04:00:00.000Z; HTTP 200; snapshot sha256 \w{64}; years listed 2022; no 2023 report listed$/,
    );
  });

  it('does not accuse a report that was listed when first looked at, nor one missing only within the tolerance', async () => {
    expect(await rt.ctx.repo.getReport(sites.there.body.id, 2023)).toMatchObject({
      publishedAt: '2024-01-03',
    });
    expect(await rt.ctx.repo.getReport(sites.lag.body.id, 2023)).toMatchObject({ publishedAt: '2024-01-03' });
    expect(await alertIds(sites.there.body.id)).toEqual([]);
    expect(await alertIds(sites.lag.body.id)).toEqual([]);
    expect(await alertIds(sites.late.body.id)).toHaveLength(1);
  });

  it('warns when the page date changes between revisions, with both revisions, and not for a copy with the same date', async () => {
    const redated = await rt.ctx.repo.getReport(sites.redated.body.id, 2023);
    expect(redated).toMatchObject({ revisions: 2, publishedAt: '2024-01-03' });
    const changed = redated?.findings.filter((f) => f.rule === 'date.changed') ?? [];
    expect(changed).toHaveLength(1);
    expect(changed[0]?.severity).toBe('warning');
    expect(changed[0]?.message.en).toBe(
      'The page date was changed between revisions: 2024-01-03 → 2024-01-08 (seen 2024-01-10)',
    );
    const revisions = await rt.ctx.repo.listRevisions(sites.redated.body.id, 2023);
    expect(changed[0]?.evidence.map((e) => [e.where, e.computation?.split(';')[0]])).toEqual([
      [
        'page date (发布日期), revision first seen 2024-01-05T04:00:00.000Z',
        'date 2024-01-03 read from meta',
      ],
      [
        'page date (发布日期), revision first seen 2024-01-10T04:00:00.000Z',
        'date 2024-01-08 read from meta',
      ],
    ]);
    for (const r of revisions)
      expect(changed[0]?.evidence.map((e) => e.computation).join(' ')).toContain(r.sha256);
    expect(await rt.ctx.repo.getAlert(`date.changed/${sites.redated.body.id}/2023`)).toBeDefined();
    // `there` has a second copy (a corrected line) with the same date: no warning.
    const there = await rt.ctx.repo.getReport(sites.there.body.id, 2023);
    expect(there?.revisions).toBe(2);
    expect(there?.findings.map((f) => f.rule)).not.toContain('date.changed');
    expect(await rt.ctx.repo.getAlert(`date.changed/${sites.there.body.id}/2023`)).toBeUndefined();
  });

  it("the finding's evidence package carries the complete read without the report", async () => {
    const pkg = await buildEvidencePackage(rt.ctx, parseTarget(`date.backdated/${sites.late.body.id}/2023`), {
      name: 'nianbao-watch',
      version: '0',
      userAgent: 'test',
    });
    const proof = JSON.parse(new TextDecoder().decode(unzipSync(pkg.bytes)[PACKAGE_PATHS.proof]));
    expect(proof.proving.map((p: { at: string; why: string }) => [p.at, p.why])).toEqual([
      [
        '2024-01-05T04:00:00.000Z',
        'complete read of the listing after the page date 2024-01-03 that did not list the 2023 report',
      ],
      ['2024-01-10T04:00:00.000Z', 'first check that listed the 2023 report'],
    ]);
  });

  it('stores the finding among the report findings with the chain positions of the reads, once over re-runs', async () => {
    const bodyId = sites.late.body.id;
    const stored = async () =>
      ((await rt.ctx.repo.getReport(bodyId, 2023))?.findings ?? []).filter(
        (f) => f.rule === 'date.backdated',
      );
    const [finding] = await stored();
    expect(finding?.severity).toBe('error');
    const logged = finding?.evidence.filter((e) => e.where === 'check log') ?? [];
    expect(logged.map((e) => e.computation)).toEqual([
      expect.stringMatching(/^check 2024-01-05T04:00:00.000Z; hash chain seq \d+, entry hash [0-9a-f]{64}$/),
    ]);
    const seq = Number(/seq (\d+)/.exec(logged[0]?.computation ?? '')?.[1]);
    const entry = (await listChecksBetween(rt.ctx.repo, bodyId, '2024-01-05', '2024-01-06'))[0];
    expect(entry?.chain?.seq).toBe(seq);
    expect(logged[0]?.computation).toContain(entry?.chain?.hash);
    // The report's page (read model) shows it.
    const detail = await reportDetail(rt.ctx, bodyId, 2023);
    expect(detail.findings.map((f) => f.rule)).toContain('date.backdated');
    // Re-crawl (the report re-checked) and re-parse the archive: one finding, one alert.
    clock = new Date('2024-01-11T04:00:00Z');
    await crawlOnce(rt, [bodyId]);
    const reparsed = await reparseArchive(rt.ctx, [bodyId]);
    expect(reparsed.length).toBeGreaterThan(0);
    expect(await stored()).toHaveLength(1);
    expect((await stored())[0]).toEqual(finding);
    expect(await alertIds(bodyId)).toHaveLength(1);
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
    // Adversarial review of issue 16: re-parsing every archived page (what `nianbao reparse --all` does) once
    // counted each superseded copy as a new revision and made an older copy current (the archive lists keys in
    // sha256 order, not time order). Runs last: the earlier cases' re-crawl and re-parse are in `before`.
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
