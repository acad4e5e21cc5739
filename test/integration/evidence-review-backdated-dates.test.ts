import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { listChecksBetween } from '#shared/store/crawl-state.ts';
import { startBackdateSite } from '#test/support/backdate-site.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';

/** The back-dating portal with its 2023 report listed from the start under the page date given. */
async function startSiteWith(slug: string, date2023: string) {
  const site = await startBackdateSite(slug);
  site.state.show2023 = true;
  site.state.date2023 = date2023;
  return site;
}

/**
 * A report whose page date is later than the moment it is first seen must still be stored:
 * - `future`: page date 2024-01-20 (a typo or a scheduled date), first seen 2024-01-10 noon Beijing;
 * - `dawn`: page date 2024-01-10, first seen 2024-01-10 02:00 Beijing (2024-01-09T18:00Z, the AWS crawl tick
 *   hour): an on-time report published that very night.
 * settleLogFindings asks listChecksBetween(publishedAt, firstSeen) = sk BETWEEN 'CHECK#2024-01-20' AND
 * 'CHECK#2024-01-10T…', a range whose lower bound is above its upper bound.
 */
describe('date.backdated with a page date after the first sighting', () => {
  let dir: string;
  let rt: Runtime;
  const clock = new Date('2024-01-09T18:00:00Z');
  let future: Awaited<ReturnType<typeof startSiteWith>>;
  let dawn: Awaited<ReturnType<typeof startSiteWith>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-review16-future-'));
    future = await startSiteWith('fut', '2024-01-20');
    dawn = await startSiteWith('dwn', '2024-01-10');
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2024-01-10',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: [future.origin, dawn.origin].join(','),
    });
    rt = await startRuntime({ config, registry: [future.body, dawn.body], now: () => clock });
    await crawlOnce(rt);
  });
  afterAll(async () => {
    await rt?.close();
    await future?.close();
    await dawn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores an on-time report first seen at 02:00 Beijing on its page date', async () => {
    expect(await rt.ctx.repo.getReport(dawn.body.id, 2023)).toMatchObject({ publishedAt: '2024-01-10' });
  });

  it('stores a report whose page date is in the future', async () => {
    expect(await rt.ctx.repo.getReport(future.body.id, 2023)).toMatchObject({ publishedAt: '2024-01-20' });
  });
});

/**
 * Real DynamoDB refuses a BETWEEN whose lower bound is above its upper bound (ValidationException "The
 * BETWEEN operator requires upper bound to be greater than or equal to lower bound"); dynalite does not,
 * so the runtime tests above pass locally. This checks the Query the parse stage would send in AWS.
 */
describe('listChecksBetween bounds as DynamoDB requires them (adversarial review of issue 16)', () => {
  const capture = async (from: string, to: string) => {
    const sent: Array<{ input: { ExpressionAttributeValues: Record<string, string> } }> = [];
    const repo = {
      table: 't',
      db: {
        send: async (c: never) => {
          sent.push(c);
          return { Items: [] };
        },
      },
    } as never;
    await listChecksBetween(repo, 'b', from, to);
    return sent.map((c) => [
      c.input.ExpressionAttributeValues[':from'],
      c.input.ExpressionAttributeValues[':to'],
    ]);
  };
  it('page date after first sighting (future date): no inverted range is sent', async () => {
    for (const [lo, hi] of await capture('2024-01-20', '2024-01-10T04:00:00.000Z'))
      expect((lo as string) <= (hi as string), `${lo} BETWEEN … ${hi}`).toBe(true);
  });
  it('report first seen 02:00 Beijing on its page date: no inverted range is sent', async () => {
    for (const [lo, hi] of await capture('2024-01-10', '2024-01-09T18:00:00.000Z'))
      expect((lo as string) <= (hi as string), `${lo} BETWEEN … ${hi}`).toBe(true);
  });
});
