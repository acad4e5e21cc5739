import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { type CycleSummary, runCycle } from '#shared/local/cycle.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { archivedReportObjects } from '#test/support/crawl-runtime.ts';
import { type ReadMail, readMailbox } from '#test/support/mailbox.ts';

const TODAY = '2026-11-24';

describe('the embedded pipeline on the demo portal', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let first: CycleSummary;
  /** The mailbox and the archive as the first cycle left them: what the tests of that cycle read. */
  let firstMails: ReadMail[];
  /** Report pages and attachments archived by the first cycle (listing snapshots counted apart). */
  let firstKeys: string[];
  let firstSnapshots: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-pipeline-'));
    portal = await startDemoPortal();
    const config = loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0', NIANBAO_TODAY: TODAY });
    rt = await startRuntime({ config, originMap: portal.originMap });
    const now = new Date().toISOString();
    await rt.ctx.subscribers.subscribe('all@example.org', ['*'], { confirmed: true }, now);
    await rt.ctx.subscribers.subscribe('jian@example.org', ['360800'], { confirmed: true }, now);
    await rt.ctx.subscribers.subscribe('unconfirmed@example.org', ['*'], { confirmed: false }, now);
    first = await runCycle(rt, { force: true });
    // Snapshots, so no test depends on whether the re-run test below has run before it.
    firstMails = await readMailbox(rt.mailDir!);
    firstKeys = [];
    for (const b of rt.ctx.registry.keys()) firstKeys.push(...(await archivedReportObjects(rt, b)));
    firstSnapshots = (await rt.ctx.archive.list()).length - firstKeys.length;
  });

  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('crawls the five portals over HTTP and finds exactly the five seed reports', () => {
    expect(first.crawled.map((c) => [c.bodyId, c.status]).sort()).toEqual([
      ['140702', 'ok'],
      ['2112', 'ok'],
      ['360802', 'ok'],
      ['411328', 'ok'],
      ['620421-rsj', 'ok'],
    ]);
    expect(first.crawled.find((c) => c.bodyId === '2112')?.rendered).toBe(true);
    expect(first.reports.map((r) => [r.bodyId, r.year, r.publishedAt, r.timeliness]).sort()).toEqual([
      ['140702', 2011, '2012-03-14', 'on-time'],
      ['2112', 2017, null, 'undated'],
      ['360802', 2017, '2018-02-10', 'on-time'],
      ['411328', 2018, '2019-03-26', 'on-time'],
      ['620421-rsj', 2016, '2017-01-06', 'on-time'],
    ]);
  });

  it('archives each report page in S3 with its provenance, GBK bytes as served', async () => {
    // One snapshot of each listing page read (the proof of each check), apart from the report pages.
    expect(firstSnapshots).toBeGreaterThanOrEqual(5);
    const html = firstKeys.filter((k) => k.endsWith('.html'));
    expect(html).toHaveLength(5);
    expect(firstKeys.filter((k) => k.endsWith('.doc'))).toHaveLength(1);
    const jingyuan = html.find((k) => k.startsWith('raw/620421-rsj/'))!;
    const { bytes, meta } = await rt.ctx.archive.get(jingyuan);
    expect(meta).toMatchObject({
      bodyId: '620421-rsj',
      kind: 'detail',
      url: 'http://www.jingyuan.gov.cn/art/2017/1/6/art_2134_458921.html',
      status: 200,
      // Declared gb2312 (kept in the headers), decoded as its superset gb18030 (recorded as used).
      charset: 'gb18030',
      headers: expect.objectContaining({ 'content-type': 'text/html; charset=gb2312' }),
    });
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
  });

  it('marks the 2025 report of every body missing, since every deadline has passed', () => {
    expect(
      first.sweep
        .filter((r) => r.year === 2025)
        .map((r) => [r.bodyId, r.status, r.deadline])
        .sort(),
    ).toEqual([
      ['140702', 'missing', '2026-03-31'],
      ['2112', 'missing', '2026-03-31'],
      ['360802', 'missing', '2026-03-31'],
      ['411328', 'missing', '2026-03-31'],
      ['620421-rsj', 'missing', '2026-01-31'],
    ]);
  });

  it('delivers each alert over SMTP once to each confirmed subscriber whose scope covers the body', async () => {
    const mails = firstMails;
    const all = mails.filter((m) => m.to === 'all@example.org');
    const jian = mails.filter((m) => m.to === 'jian@example.org');
    expect(mails.some((m) => m.to === 'unconfirmed@example.org')).toBe(false);
    expect(new Set(all.map((m) => m.alertId)).size).toBe(all.length);
    expect(all.map((m) => m.alertId)).toEqual(
      expect.arrayContaining([
        'deadline.missing/360802/2025',
        'deadline.missing/620421-rsj/2025',
        'deadline.missing/2112/2025',
        'deadline.missing/411328/2025',
        'deadline.missing/140702/2025',
        'spam.injection/360802/2017',
        'spam.injection/2112/2017',
        'arith.percent/140702/2011',
      ]),
    );
    expect(jian.length).toBeGreaterThan(0);
    expect(jian.every((m) => m.alertId.split('/')[1] === '360802')).toBe(true);
    const missing = all.find((m) => m.alertId === 'deadline.missing/620421-rsj/2025')!;
    expect(missing.subject).toContain('靖远县人力资源和社会保障局');
    expect(missing.text).toContain('2026-01-31');
    expect(missing.text).toContain('第四十九条第一款');
    expect(first.emailsDelivered).toBe(mails.length);
  });

  it('adds no report, revision or e-mail when the same cycle runs again', async () => {
    // Act: the only test that runs a cycle after beforeAll's; the others read the first cycle's snapshots.
    const before = (await readMailbox(rt.mailDir!)).length;
    const keysBefore = (await rt.ctx.archive.list()).length;
    const second = await runCycle(rt, { force: true });
    expect(second.newReports).toBe(0);
    expect(second.alertsRaised).toBe(0);
    expect(second.emailsDelivered).toBe(0);
    expect((await readMailbox(rt.mailDir!)).length).toBe(before);
    expect(await rt.ctx.archive.list()).toHaveLength(keysBefore);
    for (const r of second.reports) {
      expect(await rt.ctx.repo.listRevisions(r.bodyId, r.year)).toHaveLength(1);
    }
    expect(second.crawled.filter((c) => c.status === 'unchanged').length).toBeGreaterThanOrEqual(4);
  });
});
