import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { startBackdateSite } from '#test/support/backdate-site.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';

/**
 * The 2023 report goes up (is listed, dated the 10th) on 10 January; a complete read on the 5th did not list
 * it. Its page carries NO 发布日期: `dateCell` is what its info table shows instead (a 成文日期, the date the
 * document was written, which is legitimately earlier than publication), or nothing, leaving only the CMS's
 * creation date in the URL (t20240103).
 */
async function startWeakDateSite(slug: string, dateCell: string) {
  const site = await startBackdateSite(slug);
  site.state.cells2023 = dateCell;
  site.state.listDate2023 = '2024-01-10';
  return site;
}

describe('date.backdated from a date that is not a 发布日期', () => {
  let dir: string;
  let rt: Runtime;
  let clock = new Date('2024-01-05T04:00:00Z');
  const sites: Record<'written' | 'urlOnly', Awaited<ReturnType<typeof startWeakDateSite>>> = {} as never;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-review16-weak-'));
    sites.written = await startWeakDateSite('cwr', '<td>成文日期：</td><td>2024-01-03</td>');
    sites.urlOnly = await startWeakDateSite('url', '');
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_REPORT_RECHECK_DAYS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: Object.values(sites)
        .map((s) => s.origin)
        .join(','),
    });
    rt = await startRuntime({ config, registry: Object.values(sites).map((s) => s.body), now: () => clock });
    await crawlOnce(rt);
    clock = new Date('2024-01-10T04:00:00Z');
    for (const s of Object.values(sites)) s.state.show2023 = true;
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    for (const s of Object.values(sites)) await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const k of ['written', 'urlOnly'] as const)
    it(`${k}: no back-dating error alerted from a date that is not the page's 发布日期`, async () => {
      const report = await rt.ctx.repo.getReport(sites[k].body.id, 2023);
      expect(report, 'report stored').toBeDefined();
      const bd = report?.findings.find((f) => f.rule === 'date.backdated');
      expect({
        source: report?.publishedAtSource,
        publishedAt: report?.publishedAt,
        backdated: bd?.severity ?? null,
        evidence: bd?.evidence[0],
      }).toMatchObject({ backdated: null });
      expect(await rt.ctx.repo.getAlert(`date.backdated/${sites[k].body.id}/2023`)).toBeUndefined();
    });
});
