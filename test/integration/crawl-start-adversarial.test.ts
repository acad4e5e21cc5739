import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { InfrastructureError } from '#shared/errors.ts';
import { verifyStore } from '#shared/evidence/verify-store.ts';
import { batchPut } from '#shared/store/batch-write.ts';
import { readCrawlStart } from '#shared/store/crawl-state.ts';
import { listLinks } from '#shared/store/link-batch.ts';
import { keys } from '#shared/store/table.ts';
import { reportLines } from '#test/support/cms-report.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';
import { type Site, sendPage, startSite } from '#test/support/site-server.ts';

const ORG = '测试县人民政府';
const DIR = '/zwgk/ndbg/';

/** A TRS-style paginated 年报 column: `pages[i]` are the report years listed on page i. */
async function pagedSite(pages: number[][]): Promise<{ site: Site; body: Body; requests: string[] }> {
  const requests: string[] = [];
  const pageName = (i: number) => (i === 0 ? 'index.html' : `index_${i}.html`);
  const site = await startSite((req, res) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    requests.push(path);
    const i = pages.findIndex((_, n) => path === `${DIR}${pageName(n)}`);
    if (i >= 0) {
      const items = pages[i]!.map(
        (y) =>
          `<li><a href="${DIR}${y}/t${y}0120_1.html" title="${ORG}${y}年政府信息公开工作年度报告">${ORG}${y}年政府信息公开工作年度报告</a><span>${y + 1}-01-20</span></li>`,
      ).join('\n');
      const n = pages.length;
      const nav =
        `<div class="page">共${n}页 当前第${i + 1}页 ` +
        (i > 0
          ? `<a href="${pageName(0)}">首页</a> <a href="${pageName(i - 1)}">上一页</a> `
          : '首页 上一页 ') +
        (i + 1 < n
          ? `<a href="${pageName(i + 1)}">下一页</a> <a href="${pageName(n - 1)}">尾页</a>`
          : '下一页 尾页') +
        '</div>';
      const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>年报</title></head><body><div class="list"><ul>\n${items}\n</ul></div>${nav}</body></html>`;
      return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
    }
    const m = /\/(\d{4})\/t\d+_1\.html$/.exec(path);
    if (m) {
      const year = Number(m[1]);
      const body = reportLines({ org: ORG, year })
        .map((l, k) => (k === 0 ? `<h1>${l}</h1>` : `<p>${l}</p>`))
        .join('\n');
      const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${ORG}${year}年政府信息公开工作年度报告</title></head><body><div class="article">${body}</div><div>发布日期：${year + 1}-01-20</div></body></html>`;
      return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
    }
    res.writeHead(404).end();
  });
  const body = Body.parse({
    id: '130902',
    name: ORG,
    level: 'county',
    divisionCode: '130902',
    listingUrl: `${site.origin}${DIR}index.html`,
    render: 'http',
  });
  return { site, body, requests };
}

/** A value as the test reads it: DynamoDB's `{ S }`, `{ N }` or `{ BOOL }` (a low-level call's input) unwrapped. */
const sv = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null) return v;
  if ('S' in v) return (v as { S: string }).S;
  if ('N' in v) return Number((v as { N: string }).N);
  if ('BOOL' in v) return (v as { BOOL: boolean }).BOOL;
  return v;
};
/** The items a BatchWriteItem input puts. */
function putItems(input: Record<string, unknown>): Array<Record<string, unknown>> {
  const req = input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> } }>>;
  return Object.values(req ?? {})
    .flat()
    .flatMap((r) => (r.PutRequest ? [r.PutRequest.Item] : []));
}
/** The sort keys a BatchWriteItem input puts. */
const putSks = (input: Record<string, unknown>): string[] => putItems(input).map((i) => String(sv(i.sk)));

/**
 * Makes the first BatchWriteItem whose put items satisfy `when` fail with an InfrastructureError (as a store
 * outage would), once; `when` is asked of each BatchWriteItem until then. Returns how many were failed.
 */
function failBatchWriteOnce(
  t: TestRuntime,
  name: string,
  when: (items: Array<Record<string, unknown>>, sks: string[]) => boolean,
): () => number {
  let failed = 0;
  observeCommands(t.rt.ctx.repo.db, name, (command, input) => {
    if (command !== 'BatchWriteItemCommand' || failed > 0) return;
    const items = putItems(input as Record<string, unknown>);
    if (
      when(
        items,
        items.map((i) => String(sv(i.sk))),
      )
    ) {
      failed += 1;
      throw new InfrastructureError(`injected: ${name}`, 'dynamodb');
    }
  });
  return () => failed;
}

async function partition(t: TestRuntime, bodyId: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await t.rt.ctx.repo.db.send(
      new QueryCommand({
        TableName: t.rt.ctx.repo.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `BODY#${bodyId}` },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    out.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

async function settleAll(t: TestRuntime) {
  await t.rt.settle();
}

async function sendCrawl(t: TestRuntime, body: Body) {
  await t.rt.ctx.crawlQueue.send(
    { type: 'crawl', bodyId: body.id, reason: 'test' },
    { groupId: new URL(body.listingUrl).origin, dedupId: `${body.id}#${Math.random()}` },
  );
  await settleAll(t);
}

/** Everything that must hold after the crawls settle: nothing lost, nothing duplicated, the chain intact. */
async function assertIntact(t: TestRuntime, body: Body, years: number[]) {
  const links = [...(await listLinks(t.rt.ctx.repo, body.id)).values()];
  expect(links.map((l) => l.year).sort()).toEqual([...years].sort());
  expect(new Set(links.map((l) => l.url)).size).toBe(links.length);
  expect(links.filter((l) => l.state !== 'parsed').map((l) => [l.url, l.state])).toEqual([]);
  const reports = await t.rt.ctx.repo.listReports(body.id);
  expect(reports.map((r) => r.year).sort()).toEqual([...years].sort());
  const items = await partition(t, body.id);
  const reportSks = items.map((i) => String(i.sk)).filter((s) => /^REPORT#\d+$/.test(s));
  expect(reportSks.length).toBe(years.length);
  const v = await verifyStore(t.rt.ctx.repo, [body.id]);
  expect(v.bodies[0]?.breaks).toEqual([]);
  expect(v.ok).toBe(true);
  expect(t.rt.queues.crawl.deadLetters.map((d) => d.error)).toEqual([]);
  expect(t.rt.queues.parse.deadLetters.map((d) => d.error)).toEqual([]);
  return { links, items, v };
}

const PAGES = [
  [2023, 2022],
  [2021, 2020],
  [2019, 2018],
];
const YEARS = PAGES.flat();

/*
 * Written by a fresh reviewer against the crawl's one-Query start (links, state and saved walk read together):
 * crashes between its writes, budgets that end a walk part way, a walk under the former key, more than 1 MB of
 * links, stray items near the range's bounds, repeated messages. Two crawls of one body handled at the same
 * moment fork the check chain (README, "Not done yet"; 4 of 5 runs when the reviewer tried it): not kept
 * here, being a race, whose test would pass or fail by the scheduler's luck.
 */
describe('adversarial: the one-Query crawl start', () => {
  let t: TestRuntime | undefined;
  let s: Awaited<ReturnType<typeof pagedSite>> | undefined;
  afterEach(async () => {
    await t?.close();
    await s?.site.close();
    t = undefined;
    s = undefined;
  });

  async function start(
    pages: number[][],
    env: Record<string, string> = {},
    stages?: Array<'crawl' | 'parse' | 'alert'>,
  ) {
    s = await pagedSite(pages);
    t = await startCrawlRuntime([s.body], { NIANBAO_TODAY: '2025-06-01', ...env }, undefined, stages);
    return { s, t };
  }

  it('baseline: three listing pages, six reports, chain intact', async () => {
    const { s, t } = await start(PAGES);
    await sendCrawl(t, s.body);
    const outcomes = t.rt.events.crawls;
    expect(outcomes.map((o) => [o.listingPages, o.newReports, o.status])).toEqual([[3, 6, 'ok']]);
    await assertIntact(t, s.body, YEARS);
  }, 60_000);

  it('a crash on the check write (finishCheck) is retried: every link and report once, the chain verifies', async () => {
    const { s, t } = await start(PAGES);
    const failed = failBatchWriteOnce(t, 'check write failed', (_, sks) =>
      sks.some((k) => k.startsWith('CHECK#')),
    );
    await sendCrawl(t, s.body);
    expect(failed()).toBe(1);
    const { items } = await assertIntact(t, s.body, YEARS);
    const checks = items.filter((i) => String(i.sk).startsWith('CHECK#'));
    expect(checks.length).toBe(1);
    const walk = items.find((i) => i.sk === 'META#WALK');
    expect(walk?.done).toBe(true);
    // Every report parsed (a retried crawl may queue a report's parse again: an idempotent re-parse).
    const parses = t.rt.events.parses;
    expect(parses.filter((p) => p.result === 'report').length).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('a crash on the second saved walk (after page 2) resumes from the walk saved after page 1', async () => {
    const { s, t } = await start(PAGES);
    let walks = 0;
    const failed = failBatchWriteOnce(t, 'second walk write failed', (_, sks) =>
      sks.includes('META#WALK') ? ++walks === 2 : false,
    );
    await sendCrawl(t, s.body);
    expect(failed()).toBe(1);
    await assertIntact(t, s.body, YEARS);
    // The retry resumed the saved walk: the listing's first page was read by the first attempt only.
    expect(s.requests.filter((p) => p.endsWith('/index.html')).length).toBe(1);
  }, 60_000);

  it('finishCheck split over two BatchWriteItems: a crash on the second (check, state) loses nothing', async () => {
    // 3 pages x 10 reports: 30 links + check + META + walk = 33 items, two BatchWriteItem calls.
    const pages = [0, 1, 2].map((p) => Array.from({ length: 10 }, (_, k) => 2023 - p * 10 - k));
    const { s, t } = await start(pages);
    let chunk1Links = 0;
    const failed = failBatchWriteOnce(t, 'second chunk failed', (_, sks) => {
      if (sks.length === 25 && sks.every((k) => k.startsWith('LINK#'))) chunk1Links += 1;
      return sks.some((k) => k.startsWith('CHECK#'));
    });
    await sendCrawl(t, s.body);
    expect(failed()).toBe(1);
    expect(chunk1Links).toBeGreaterThanOrEqual(1);
    const { items } = await assertIntact(t, s.body, pages.flat());
    expect(items.filter((i) => String(i.sk).startsWith('CHECK#')).length).toBe(1);
  }, 120_000);

  it('a budget spent mid-walk saves under META#WALK (never WALK) and the continuation resumes it', async () => {
    const { s, t } = await start(PAGES, { NIANBAO_CRAWL_BUDGET_MS: '0' });
    const written: string[] = [];
    const ranges: Array<[unknown, unknown]> = [];
    observeCommands(t.rt.ctx.repo.db, 'watch', (name, input) => {
      const i = input as Record<string, unknown>;
      if (name === 'BatchWriteItemCommand') written.push(...putSks(i));
      if (name === 'QueryCommand' && String(i.KeyConditionExpression).includes('BETWEEN')) {
        const v = i.ExpressionAttributeValues as Record<string, unknown>;
        ranges.push([sv(v[':low']), sv(v[':high'])]);
      }
    });
    await sendCrawl(t, s.body);
    expect(written).toContain('META#WALK');
    expect(written).not.toContain('WALK');
    // Every listing page and report page asked once across the continuations.
    expect(new Set(s.requests).size).toBe(s.requests.length);
    expect(s.requests.filter((p) => p.includes('index')).length).toBe(3);
    const { items } = await assertIntact(t, s.body, YEARS);
    expect(items.find((i) => i.sk === 'META#WALK')?.done).toBe(true);
    expect(items.find((i) => i.sk === 'WALK')).toBeUndefined();
    const state = await t.rt.ctx.repo.getBodyState(s.body.id);
    expect(state.lastCheck?.complete).toBe(true);
    expect(state.lastCheck?.pages.length).toBe(3);
  }, 120_000);

  it('a walk left under the old key WALK is ignored: the listing is walked from page 1 and nothing is lost', async () => {
    const { s, t } = await start(PAGES);
    const pk = `BODY#${s.body.id}`;
    const now = new Date().toISOString();
    const origin = new URL(s.body.listingUrl).origin;
    // An old open walk claiming pages 1 and 2 read, page 3 queued; links of pages 1-2 never stored (a
    // deliberately inconsistent old walk: if it were resumed, 4 links would be lost).
    await batchPut(t.rt.ctx.repo, [
      {
        pk,
        sk: 'WALK',
        bodyId: s.body.id,
        startedAt: now,
        queue: [`${origin}${DIR}index_2.html`],
        read: [
          { url: s.body.listingUrl, at: now, status: 200, rendered: false, years: [2023, 2022] },
          { url: `${origin}${DIR}index_1.html`, at: now, status: 200, rendered: false, years: [2021, 2020] },
        ],
        unread: [],
        pastOldest: false,
        done: false,
      },
    ]);
    await sendCrawl(t, s.body);
    expect(s.requests.filter((p) => p.includes('index'))).toEqual([
      `${DIR}index.html`,
      `${DIR}index_1.html`,
      `${DIR}index_2.html`,
    ]);
    const { items } = await assertIntact(t, s.body, YEARS);
    // The old item is left as it was (documented: not read).
    expect(items.find((i) => i.sk === 'WALK')?.done).toBe(false);
  }, 60_000);

  it('the same crawl message delivered twice back to back: nothing duplicated, chain intact', async () => {
    const { s, t } = await start(PAGES);
    await sendCrawl(t, s.body);
    await sendCrawl(t, s.body);
    const { items } = await assertIntact(t, s.body, YEARS);
    expect(items.filter((i) => String(i.sk).startsWith('CHECK#')).length).toBe(2);
  }, 60_000);

  it('items sorting inside LINK#..META#WALK that are not links/state/walk are not read as such', async () => {
    const { s, t } = await start(PAGES, {}, ['crawl']);
    const pk = `BODY#${s.body.id}`;
    await batchPut(t.rt.ctx.repo, [
      { pk, sk: 'LINKS', junk: true },
      { pk, sk: 'LO', junk: true },
      { pk, sk: 'META#A', junk: true },
      { pk, sk: 'META#WAL', junk: true },
      {
        pk,
        sk: 'META#WALK#x',
        bodyId: 'x',
        startedAt: 'x',
        queue: ['bad'],
        read: [],
        unread: [],
        done: false,
      },
      { pk, sk: 'CHECK#2020-01-01T00:00:00.000Z', bodyId: s.body.id },
      { pk, sk: 'REPORT#2019', bodyId: s.body.id, year: 2019 },
    ]);
    const start0 = await readCrawlStart(t.rt.ctx.repo, s.body.id);
    expect(start0).toEqual({
      state: { bodyId: s.body.id, consecutiveFailures: 0 },
      walk: null,
      links: new Map(),
    });
    // The link key builder: always LINK#<40 hex>, below META whatever the URL.
    for (const u of ['http://a/~~~', 'http://a/\uffff', `http://a/${'z'.repeat(5000)}`]) {
      const { sk } = keys.link('b', (await import('#shared/store/repository.ts')).sha1Hex(u));
      expect(sk).toMatch(/^LINK#[0-9a-f]{40}$/);
      expect(sk < 'META' && sk > 'LINK#').toBe(true);
    }
  }, 60_000);
  it('more than 1 MB of link items and an open META#WALK: the walk is resumed and no link is lost', async () => {
    const { s, t } = await start(PAGES);
    const now = new Date().toISOString();
    const origin = new URL(s.body.listingUrl).origin;
    const pad = (i: number) =>
      Array.from({ length: 60 }, (_, k) => `raw/130902/attachments/${i}/${k}/${'x'.repeat(80)}.pdf`);
    // 200 old links (not on the listing any more), ~6 KB each: ~1.2 MB, more than one Query page.
    const old = Array.from({ length: 200 }, (_, i) => ({
      url: `${origin}/old/${i}.html`,
      bodyId: s.body.id,
      title: `${ORG}${1900 + i}年政府信息公开工作年度报告`,
      firstSeen: now,
      year: 1900 + i,
      state: 'parsed',
      attempts: 0,
      isReport: true,
      rawKey: `raw/130902/${i}.html`,
      attachmentKeys: pad(i),
      lastCheckedAt: now,
    }));
    // Page 1's two links, stored before the walk that points past them.
    const p1 = [2023, 2022].map((y) => ({
      url: `${origin}${DIR}${y}/t${y}0120_1.html`,
      bodyId: s.body.id,
      title: `${ORG}${y}年政府信息公开工作年度报告`,
      firstSeen: now,
      year: y,
      state: 'new',
      attempts: 0,
      isReport: true,
    }));
    const { sha1Hex } = await import('#shared/store/repository.ts');
    await batchPut(t.rt.ctx.repo, [
      ...[...old, ...p1].map((l) => ({ ...keys.link(l.bodyId, sha1Hex(l.url)), ...l })),
      {
        ...keys.walk(s.body.id),
        bodyId: s.body.id,
        startedAt: now,
        queue: [`${origin}${DIR}index_1.html`],
        read: [{ url: s.body.listingUrl, at: now, status: 200, rendered: false, years: [2023, 2022] }],
        unread: [],
        pastOldest: false,
        done: false,
      },
    ]);
    const one = await t.rt.ctx.repo.db.send(
      new QueryCommand({
        TableName: t.rt.ctx.repo.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': `BODY#${s.body.id}`, ':a': 'LINK#', ':b': 'META#WALK' },
      }),
    );
    expect(one.LastEvaluatedKey).toBeDefined();
    await sendCrawl(t, s.body);
    // Resumed: page 1 not read again.
    expect(s.requests.filter((p) => p.includes('index'))).toEqual([
      `${DIR}index_1.html`,
      `${DIR}index_2.html`,
    ]);
    const links = await listLinks(t.rt.ctx.repo, s.body.id);
    expect(links.size).toBe(206);
    const mine = [...links.values()].filter((l) => l.url.includes(DIR));
    expect(mine.map((l) => [l.year, l.state]).sort()).toEqual(YEARS.map((y) => [y, 'parsed']).sort());
    expect([...links.values()].filter((l) => l.url.includes('/old/') && l.state !== 'parsed')).toEqual([]);
    const items = await partition(t, s.body.id);
    expect(items.find((i) => i.sk === 'META#WALK')?.done).toBe(true);
    const v = await verifyStore(t.rt.ctx.repo, [s.body.id]);
    expect(v.ok).toBe(true);
    const state = await t.rt.ctx.repo.getBodyState(s.body.id);
    expect(state.lastCheck?.pages.length).toBe(3);
    expect(t.rt.queues.crawl.deadLetters.map((d) => d.error)).toEqual([]);
  }, 120_000);

  it('a crash sending the parse messages (after finishCheck) is retried: every report once', async () => {
    const { s, t } = await start(PAGES);
    const q = t.rt.ctx.parseQueue;
    const send = q.send.bind(q);
    let failed = 0;
    let sends = 0;
    q.send = (m, o) => {
      sends += 1;
      if (sends === 3 && failed === 0) {
        failed += 1;
        return Promise.reject(new InfrastructureError('injected: SQS send failed', 'sqs'));
      }
      return send(m, o);
    };
    await sendCrawl(t, s.body);
    expect(failed).toBe(1);
    await assertIntact(t, s.body, YEARS);
    const reportParses = t.rt.events.parses.filter((p) => p.result === 'report');
    // duplicates only as idempotent re-parses (no second REPORT# item; asserted above)
    expect(new Set(reportParses.map((p) => p.year)).size).toBe(6);
  }, 60_000);
  it('finishCheck split so the walk-done marker is alone in the second BatchWriteItem: a crash there loses nothing', async () => {
    // 2 pages, 12 + 11 reports: 23 links + check + META = 25 in the first call, the walk marked done alone after.
    const pages = [
      Array.from({ length: 12 }, (_, k) => 2023 - k),
      Array.from({ length: 11 }, (_, k) => 2011 - k),
    ];
    const { s, t } = await start(pages);
    const failed = failBatchWriteOnce(
      t,
      'walk-done write failed',
      (items, sks) =>
        items.length === 1 &&
        sks[0] === 'META#WALK' &&
        (items[0]!.done === true || sv(items[0]!.done) === true),
    );
    await sendCrawl(t, s.body);
    expect(failed()).toBe(1);
    const { items } = await assertIntact(t, s.body, pages.flat());
    expect(items.find((i) => i.sk === 'META#WALK')?.done).toBe(true);
    const state = await t.rt.ctx.repo.getBodyState(s.body.id);
    expect(state.lastCheck?.complete).toBe(true);
    expect(state.lastCheck?.pages.length).toBe(2);
  }, 120_000);

  it('budget 0 (a continuation per fetch) and a crash on the second invocation’s check write: nothing lost', async () => {
    const { s, t } = await start(PAGES, { NIANBAO_CRAWL_BUDGET_MS: '0' });
    let checks = 0;
    const failed = failBatchWriteOnce(t, 'second check write failed', (_, sks) =>
      sks.some((k) => k.startsWith('CHECK#')) ? ++checks === 2 : false,
    );
    await sendCrawl(t, s.body);
    expect(failed()).toBe(1);
    const { items } = await assertIntact(t, s.body, YEARS);
    expect(items.find((i) => i.sk === 'META#WALK')?.done).toBe(true);
    const listing = s.requests.filter((p) => p.includes('index'));
    expect(listing.filter((p) => p.endsWith('/index.html')).length).toBe(1);
    const state = await t.rt.ctx.repo.getBodyState(s.body.id);
    expect(state.lastCheck?.complete).toBe(true);
    expect(state.lastCheck?.pages.length).toBe(3);
  }, 120_000);
});
