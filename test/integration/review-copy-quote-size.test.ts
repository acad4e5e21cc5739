/**
 * A reviewer's reproduction (brk12e), kept as a test: a large report that repeats the year before's text
 * (what copy.previous-year exists to find). Its finding quoted the whole shared passage, the report's
 * DynamoDB item passed 400 KB ("Item size has exceeded the maximum allowed size") and the year was never
 * recorded, however often the parse was retried. Quotes are now cut at MAX_QUOTE_CHARS (text-view.ts).
 */
import { afterEach, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { MAX_QUOTE_CHARS } from '#shared/rules/text-view.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

const title = (y: number) => `测试县人民政府${y}年政府信息公开工作年度报告`;
const path = (y: number) => `/xxgk/ndbg/${y}/t${y}0115_1.html`;
const html = (y: number, text: string) =>
  `<html><head><meta charset="utf-8"><title>${title(y)}</title></head><body><h1>${title(y)}</h1><p>${text}</p></body></html>`;

/** Non-repeating text of `chars` characters: pseudo-random sentences of a report's words. */
function reportText(chars: number): string {
  const words = [
    '主动公开',
    '政府信息',
    '依申请公开',
    '行政复议',
    '行政诉讼',
    '县人民政府',
    '政务公开',
    '办理结果',
  ];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  let t = '';
  while (t.length < chars)
    t += `${words[next() % words.length]}${next() % 10000}条，${next() % 7 === 0 ? '。' : ''}`;
  return t;
}

let site: Site | undefined;
let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.close();
  await site?.close();
});

async function crawlBoth(pages: Record<string, string>, id: string) {
  site = await startSite(async (req, res) => {
    const p = req.url ?? '/';
    if (p === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    if (p === '/xxgk/ndbg/index.html') {
      const links = [2015, 2016].map((y) => ({ href: path(y), title: title(y) }));
      return sendPage(req, res, Buffer.from(listingPageHtml('年报', links)), 'text/html; charset=utf-8');
    }
    const page = pages[p];
    if (page) return sendPage(req, res, Buffer.from(page), 'text/html; charset=utf-8');
    res.statusCode = 404;
    res.end();
  });
  const body = Body.parse({
    id,
    name: '测试县人民政府',
    level: 'county',
    divisionCode: id,
    listingUrl: `${site.origin}/xxgk/ndbg/index.html`,
  });
  t = await startCrawlRuntime([body]);
  await crawlOnce(t.rt);
  await crawlOnce(t.rt);
  return t.rt.ctx.repo.listReports(body.id);
}

it('records a 3 MB report that repeats the year before, its copy finding quoting a bounded passage', async () => {
  const repeated = (n: number) => '正文内容第一部分主动公开情况。'.repeat(n);
  const reports = await crawlBoth(
    { [path(2015)]: html(2015, repeated(180)), [path(2016)]: html(2016, repeated(66_000)) },
    '139997',
  );
  expect(reports.map((r) => r.year).sort()).toEqual([2015, 2016]);
  const quotes = reports.flatMap((r) => r.findings.flatMap((f) => f.evidence.map((e) => e.quote)));
  expect(Math.max(...quotes.map((q) => q.length))).toBeLessThanOrEqual(MAX_QUOTE_CHARS);
}, 180_000);

it('records both years of 600,000 characters of report text published twice unchanged', async () => {
  const text = reportText(600_000);
  const reports = await crawlBoth(
    { [path(2015)]: html(2015, text), [path(2016)]: html(2016, text) },
    '139996',
  );
  expect(reports.map((r) => r.year).sort()).toEqual([2015, 2016]);
  const copy = reports.find((r) => r.year === 2016)?.findings.find((f) => f.rule === 'copy.previous-year');
  expect(copy?.evidence[0]?.where).toMatch(/its first 2000 of \d+ characters/);
}, 180_000);
