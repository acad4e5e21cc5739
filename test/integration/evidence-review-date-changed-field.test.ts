import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { startBackdateSite } from '#test/support/backdate-site.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';

/**
 * The 2023 report is listed from the first read. Its info table first shows only 成文日期 2024-01-03; on the
 * 10th the CMS template adds the 发布日期 field (2024-01-05) beside it. No date on the page was changed: a
 * field the first copy lacked appeared (docs/evidence.md: "nor a date found in another place").
 */
async function startSiteWithCells() {
  const site = await startBackdateSite('dcf');
  site.state.show2023 = true;
  site.state.listDate2023 = '2024-01-05';
  site.state.cells2023 = '<td>成文日期：</td><td>2024-01-03</td>';
  return site;
}

describe('date.changed when a date field is added, not changed', () => {
  let dir: string;
  let rt: Runtime;
  let clock = new Date('2024-01-05T04:00:00Z');
  let site: Awaited<ReturnType<typeof startSiteWithCells>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-review16-dcf-'));
    site = await startSiteWithCells();
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_REPORT_RECHECK_DAYS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: site.origin,
    });
    rt = await startRuntime({ config, registry: [site.body], now: () => clock });
    await crawlOnce(rt);
    clock = new Date('2024-01-10T04:00:00Z');
    site.state.cells2023 = '<td>成文日期：</td><td>2024-01-03</td><td>发布日期：</td><td>2024-01-05</td>';
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    await site?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('no date.changed warning for a 发布日期 field that appeared beside an unchanged 成文日期', async () => {
    const report = await rt.ctx.repo.getReport(site.body.id, 2023);
    expect(report?.revisions).toBe(2);
    const changed = report?.findings.filter((f) => f.rule === 'date.changed') ?? [];
    expect(changed.map((f) => f.message.en)).toEqual([]);
    expect(await rt.ctx.repo.getAlert(`date.changed/${site.body.id}/2023`)).toBeUndefined();
  });
});
