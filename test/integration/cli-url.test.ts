import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/nianbao.mjs', import.meta.url).pathname;
/** The demo portal is on loopback, which the SSRF guard refuses unless allowed by name. */
const allow = (portal: DemoPortal) => ({
  env: { ...process.env, NIANBAO_ALLOW_PRIVATE_ORIGINS: portal.sites.map((s) => s.localOrigin).join(',') },
});

describe('nianbao parse|check <url>', () => {
  let portal: DemoPortal;
  beforeAll(async () => {
    portal = await startDemoPortal({ sites: ['001', '004'] });
  });
  afterAll(async () => {
    await portal?.close();
  });

  it('fetches a GBK page over HTTP with the crawler fetcher and prints one JSON record with its sha256', async () => {
    const site = portal.sites.find((s) => s.key === '001')!;
    const { stdout } = await run(
      process.execPath,
      [BIN, 'parse', `${site.localOrigin}${site.reportPath}`, '--json'],
      allow(portal),
    );
    const record = JSON.parse(stdout);
    expect(record).toMatchObject({
      kind: 'report',
      year: 2016,
      publishedAt: { date: '2017-01-06' },
      source: { host: new URL(site.localOrigin).host, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(record.title).toContain('靖远县人力资源和社会保障局');
  });

  it('checks a page by URL and exits 1 on an error-level finding, quoting the evidence', async () => {
    const site = portal.sites.find((s) => s.key === '004')!;
    const result = await run(
      process.execPath,
      [BIN, 'check', `${site.localOrigin}${site.reportPath}`, '--json'],
      allow(portal),
    ).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(result.code).toBe(1);
    const record = JSON.parse(result.stdout);
    const percent = record.findings.filter((f: { rule: string }) => f.rule === 'arith.percent');
    expect(percent.map((f: { evidence: Array<{ quote: string }> }) => f.evidence[0]?.quote).sort()).toEqual([
      '57条,占总数的3.2%',
      '即日办结33060件,即日办结率为100%',
    ]);
  });
});
