import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import type { Runtime } from '#shared/local/runtime.ts';
import { handleParse, type ParseOutcome } from '#shared/stages/parse-stage.ts';
import { templatePage } from '#test/fixtures/corpus/make/template-page.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { options } from '#test/support/series-portal.ts';

/**
 * host.mirror across bodies through the parse stage and the real store (issue 10, item 15): one report's
 * text archived for the finance bureau from its government host, for the county from a look-alike
 * non-government domain, and for the city from the city's government portal. The copy on the foreign
 * host is a warning quoting both URLs; the city's republication is weak evidence (info). Pages are put in
 * the archive as the crawler would have fetched them, then parsed as the parse queue would.
 */
const body = (
  id: string,
  name: string,
  level: 'department' | 'county' | 'city',
  code: string,
  listing: string,
) => Body.parse({ id, name, level, divisionCode: code, listingUrl: listing, render: 'http' });
const CZJ = body(
  '620421-czj',
  '靖远县财政局',
  'department',
  '620421',
  'http://www.jingyuan.gov.cn/czj/ndbg/',
);
const COUNTY = body('620421', '靖远县人民政府', 'county', '620421', 'http://www.jingyuan.gov.cn/xxgk/');
const CITY = body('6204', '白银市人民政府', 'city', '6204', 'http://www.baiyin.gov.cn/xxgk/');

const URL_CZJ = 'http://www.jingyuan.gov.cn/czj/202401/t20240120_5001.html';
const URL_FOREIGN = 'http://www.jingyuan-nb.com/czj/202401/t20240120_5001.html';
const URL_CITY = 'http://www.baiyin.gov.cn/xxgk/202401/t20240122_77.html';
const z = [0, 0, 0, 0, 0];
const PAGE = templatePage(
  options({
    year: 2023,
    active: 410,
    newApps: [3, ...z],
    open: [3, ...z],
    carriedIn: [0, ...z],
    carriedOut: [0, ...z],
    prose: 2,
  }),
).html as string;

async function alerts(rt: Runtime): Promise<string[]> {
  const res = await rt.ctx.repo.db.send(
    new ScanCommand({
      TableName: rt.ctx.repo.table,
      FilterExpression: 'begins_with(pk, :p)',
      ExpressionAttributeValues: { ':p': 'ALERT#' },
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []).map((i) => `${i.alertId} ${(i.finding as { severity: string }).severity}`).sort();
}

describe('host.mirror across bodies in the parse stage', () => {
  let t: TestRuntime;
  const rawKeys = new Map<string, string>();

  const archiveAndParse = async (b: Body, url: string): Promise<ParseOutcome> => {
    const { key } = await t.rt.ctx.archive.put(new TextEncoder().encode(PAGE), 'html', {
      bodyId: b.id,
      kind: 'detail',
      url,
      finalUrl: url,
      linkTitle: '靖远县财政局2023年政府信息公开工作年度报告',
      fetchedAt: '2024-01-21T02:00:00.000Z',
      status: 200,
      headers: {},
      contentType: 'text/html; charset=utf-8',
      charset: 'utf-8',
    });
    rawKeys.set(b.id, key);
    return handleParse(
      { type: 'parse', bodyId: b.id, rawKey: key, reparse: false, attachmentKeys: [] },
      t.rt.ctx,
    );
  };

  beforeAll(async () => {
    t = await startCrawlRuntime([CZJ, COUNTY, CITY]);
    // The foreign copy between the two government ones: each side must learn of the others.
    await archiveAndParse(CZJ, URL_CZJ);
    await archiveAndParse(COUNTY, URL_FOREIGN);
    await archiveAndParse(CITY, URL_CITY);
    await t.rt.settle();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const summary = async (id: string) =>
    (await t.rt.ctx.repo.getReport(id, 2023))?.findings.map((f) => [
      `${f.rule}:${f.severity}`,
      f.evidence.map((e) => e.quote),
    ]);

  it('the copy on the foreign host: a warning quoting it and the government copies', async () => {
    expect(await summary(COUNTY.id)).toEqual([
      ['host.mirror:warning', [URL_FOREIGN, URL_CITY, URL_CZJ]],
      ['host.mirror:warning', [URL_FOREIGN]],
    ]);
  });

  it('the government copies: info, weak evidence, each naming the other (whichever was parsed first)', async () => {
    expect(await summary(CITY.id)).toEqual([['host.mirror:info', [URL_CITY, URL_CZJ]]]);
    expect(await summary(CZJ.id)).toEqual([['host.mirror:info', [URL_CZJ, URL_CITY]]]);
  });

  it('raises one alert per body and rule', async () => {
    expect(await alerts(t.rt)).toEqual([
      'host.mirror/6204/2023 info',
      'host.mirror/620421-czj/2023 info',
      'host.mirror/620421/2023 warning',
    ]);
  });

  it('parsing a copy again writes nothing new and alerts nothing', async () => {
    const before = await Promise.all([CZJ, COUNTY, CITY].map((b) => summary(b.id)));
    for (const b of [CZJ, COUNTY, CITY]) {
      const out = await handleParse(
        {
          type: 'parse',
          bodyId: b.id,
          rawKey: rawKeys.get(b.id) as string,
          reparse: false,
          attachmentKeys: [],
        },
        t.rt.ctx,
      );
      expect([out.change, out.newAlerts]).toEqual(['unchanged', []]);
    }
    expect(await Promise.all([CZJ, COUNTY, CITY].map((b) => summary(b.id)))).toEqual(before);
  });
});
