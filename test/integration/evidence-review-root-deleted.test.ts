import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { recomputeHash } from '#shared/evidence/check-chain.ts';
import { listDailyRoots, recordDailyRoot } from '#shared/evidence/daily-root.ts';
import { verificationExitCode } from '#shared/evidence/package-verify.ts';
import { formatStoreVerification, verifyStore } from '#shared/evidence/verify-store.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { listingPage, type SiteInfo } from '#test/support/cms-portal-pages.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';
import { type Site, sendPage, startSite } from '#test/support/site-server.ts';
import { startTestTsa, type TestTsa } from '#test/support/tsa-server.ts';

/**
 * Two daily roots (yesterday and today, both timestamped by the trusted TSA). Someone with write access to
 * the table rewrites the entry written after yesterday's root (re-hashing it: its prev still links to the
 * committed head) and deletes today's ROOT item and its leaf pages. Nothing records that today's root ever
 * existed, so `nianbao verify --tsa-cert` still says "verified" (exit 0).
 */
describe('store verify with a daily root deleted', () => {
  let dir: string;
  let rt: Runtime;
  let tsa: TestTsa;
  let site: Site;
  let body: Body;
  const real = Date.now();
  // Yesterday at this time of day: its Beijing date is always the day before today's, so the trusted TSA's
  // token (stamped now, on the real clock) is within a day of that root's date at any hour. 26 h back put the
  // root two Beijing dates back when run between 16:00 and 18:00 UTC, and its token failed the time check.
  let clock = new Date(real - 24 * 3600_000);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-review16-root-'));
    tsa = await startTestTsa();
    const listingPath = '/rd/ndbg/';
    const info: SiteInfo = { org: '靖远县财政局', code: '620421', family: 'trs', listingPath };
    site = await startSite((req, res) => {
      const path = new URL(req.url ?? '/', 'http://portal.invalid').pathname;
      if (path === '/robots.txt')
        return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain', 200);
      if (path === listingPath)
        return sendPage(
          req,
          res,
          Buffer.from(
            listingPage(info, [{ href: `${listingPath}x.html`, title: '通知', date: '2024-01-01' }]),
            'utf8',
          ),
          'text/html; charset=utf-8',
          200,
        );
      sendPage(req, res, Buffer.from('页面不存在'), 'text/html; charset=utf-8', 404);
    });
    body = Body.parse({
      id: '620421-rd',
      name: '靖远县财政局',
      level: 'department',
      divisionCode: '620421',
      parents: lookupDivision('620421')?.parents ?? [],
      listingUrl: site.origin + listingPath,
      render: 'http',
    });
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: site.origin,
    });
    rt = await startRuntime({ config, registry: [body], now: () => clock });
    await crawlOnce(rt);
    await recordDailyRoot(rt.ctx, { tsaUrl: tsa.url });
    clock = new Date(real);
    await crawlOnce(rt, [body.id]);
    await recordDailyRoot(rt.ctx, { tsaUrl: tsa.url });
  });
  afterAll(async () => {
    await rt?.close();
    await site?.close();
    await tsa?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is verified before the tampering (baseline)', async () => {
    expect((await listDailyRoots(rt.ctx.repo)).length).toBe(2);
    const v = await verifyStore(rt.ctx.repo, [body.id], tsa.certDer);
    expect(verificationExitCode(v), formatStoreVerification(v).join('\n')).toBe(0);
  });

  it('a rewritten entry whose committing root was deleted is not "verified"', async () => {
    const { db, table } = rt.ctx.repo;
    const items =
      (
        await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
            ExpressionAttributeValues: { ':p': `BODY#${body.id}`, ':c': 'CHECK#' },
          }),
        )
      ).Items ?? [];
    const last = items.at(-1)!;
    const { pk, sk, ...entry } = last;
    (entry as Record<string, unknown>).outcome = 'failed';
    (entry as { chain: { hash: string } }).chain.hash = recomputeHash(entry as never);
    await db.send(new PutCommand({ TableName: table, Item: { pk, sk, ...entry } }));
    const roots = await listDailyRoots(rt.ctx.repo);
    const today = roots.at(-1)!;
    await db.send(new DeleteCommand({ TableName: table, Key: { pk: 'ROOT', sk: `ROOT#${today.date}` } }));
    const pages =
      (
        await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': `ROOT#${today.date}` },
          }),
        )
      ).Items ?? [];
    for (const p of pages)
      await db.send(new DeleteCommand({ TableName: table, Key: { pk: p.pk, sk: p.sk } }));
    const v = await verifyStore(rt.ctx.repo, [body.id], tsa.certDer);
    const lines = formatStoreVerification(v).join('\n');
    expect(verificationExitCode(v), lines).toBe(2);
    expect(lines).toMatch(/entr(y|ies) after the daily root of .* not yet under a daily root/);
  });
});
