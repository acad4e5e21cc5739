import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { runSweep, type SweepOptions, type SweepOutcome } from '#shared/stages/sweep-stage.ts';
import { keys } from '#shared/store/table.ts';
import { startBackdateSite } from '#test/support/backdate-site.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';
import { addMiddleware } from '#test/support/sdk-middleware.ts';

/**
 * The sweep's two passes over the embedded runtime on an injected clock (noon in Beijing): two bureaux on
 * the back-dating portal (2022 listed; 2023, dated 2024-01-03, listed once the test shows it). A bureau's
 * deadline is 31 January (2019 条例), so on 15 January the due year is 2022 and from 1 February 2023.
 * Each sweep's DynamoDB commands are counted by a middleware on the client; "full" means the body's
 * consistent reads and its REPORT# Query, "cheap" the one eventually consistent BatchGetItem alone.
 */
describe('the incremental deadline sweep', () => {
  let dir: string;
  let rt: Runtime;
  let a: Awaited<ReturnType<typeof startBackdateSite>>;
  let b: Awaited<ReturnType<typeof startBackdateSite>>;
  let clock = new Date('2024-01-15T04:00:00Z');
  const calls = new Map<string, number>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-sweep-incremental-'));
    a = await startBackdateSite('swa');
    b = await startBackdateSite('swb');
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: `${a.origin},${b.origin}`,
    });
    rt = await startRuntime({ config, registry: [a.body, b.body], now: () => clock });
    addMiddleware(
      rt.ctx.repo.db,
      (next, context) => async (args) => {
        calls.set(String(context.commandName), (calls.get(String(context.commandName)) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countSweepCalls' },
    );
  }, 120_000);
  afterAll(async () => {
    await rt?.close();
    await a?.close();
    await b?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One sweep over the given bodies, with the DynamoDB commands it sent. */
  async function sweep(
    bodies: Body[],
    options: SweepOptions = {},
  ): Promise<SweepOutcome & { counts: Record<string, number> }> {
    const registry = new Map(bodies.map((x) => [x.id, x]));
    // Alerts are held until the sweep's commands are counted, so the alert stage's are not among them.
    const held: Array<Parameters<Runtime['ctx']['alertQueue']['send']>> = [];
    const alertQueue = { send: async (...args: (typeof held)[number]) => void held.push(args) };
    calls.clear();
    const outcome = await runSweep({ ...rt.ctx, registry, alertQueue }, options);
    const counts = Object.fromEntries(calls);
    for (const args of held) await rt.ctx.alertQueue.send(...args);
    await rt.settle();
    return { ...outcome, counts };
  }
  const statuses = (o: SweepOutcome) => o.rows.map((r) => [r.bodyId, r.year, r.status]);

  it('reads in full only the bodies whose verdicts changed, and raises each alert once', async () => {
    const A = a.body.id;
    const B = b.body.id;
    // 15 January: A's listing read (2022 only). The first sweep reads A in full and stores its fingerprint.
    await crawlOnce(rt, [A]);
    const first = await sweep([a.body]);
    expect(statuses(first)).toEqual([[A, 2022, 'on-time']]);
    expect(first.newAlerts).toEqual([]);
    expect(first.counts).toEqual({ BatchGetItemCommand: 2, QueryCommand: 1, UpdateItemCommand: 1 });

    // The same day again: nothing changed, one cheap read, the same rows.
    const again = await sweep([a.body]);
    expect(again.rows).toEqual(first.rows);
    expect(again.counts).toEqual({ BatchGetItemCommand: 1 });

    // No sweep and no crawl from 16 January to 4 February; on the 5th the 2023 deadline has passed with
    // no crawl since: the year that became due is read in full and called missing once. (An alert raised
    // is its pending mark's UpdateItem and its conditional PutItem; the fingerprint one more UpdateItem.)
    clock = new Date('2024-02-05T04:00:00Z');
    const missed = await sweep([a.body]);
    expect(statuses(missed)).toEqual([[A, 2023, 'missing']]);
    expect(missed.newAlerts).toEqual([`deadline.missing/${A}/2023`]);
    expect(missed.counts).toEqual({
      BatchGetItemCommand: 2,
      QueryCommand: 1,
      PutItemCommand: 1,
      UpdateItemCommand: 2,
    });
    const missedAgain = await sweep([a.body]);
    expect(missedAgain.rows).toEqual(missed.rows);
    expect(missedAgain.newAlerts).toEqual([]);
    expect(missedAgain.counts).toEqual({ BatchGetItemCommand: 1 });

    // The report arrives (dated 3 January, on time): swept in full that day, the alert retracted once.
    a.state.show2023 = true;
    await crawlOnce(rt, [A]);
    const arrived = await sweep([a.body]);
    expect(statuses(arrived)).toEqual([[A, 2023, 'on-time']]);
    expect(arrived.newAlerts).toEqual([`deadline.retracted/${A}/2023`]);
    expect(arrived.counts).toEqual({
      BatchGetItemCommand: 2,
      QueryCommand: 1,
      PutItemCommand: 1,
      UpdateItemCommand: 2,
    });

    // B joins the registry, never crawled: only B is read in full (unreachable, told to admins once);
    // without a META item it gets no fingerprint, so it is read in full until it is crawled.
    const added = await sweep([a.body, b.body]);
    expect(statuses(added)).toEqual([
      [A, 2023, 'on-time'],
      [B, 2023, 'unreachable'],
    ]);
    expect(added.newAlerts).toEqual([`portal.unreachable/${B}/2023`]);
    expect(added.counts).toEqual({
      BatchGetItemCommand: 2,
      QueryCommand: 1,
      PutItemCommand: 1,
      UpdateItemCommand: 1,
    });
    await crawlOnce(rt, [B]);
    const crawledB = await sweep([a.body, b.body]);
    expect(statuses(crawledB)).toEqual([
      [A, 2023, 'on-time'],
      [B, 2023, 'missing'],
    ]);
    expect(crawledB.newAlerts).toEqual([`deadline.missing/${B}/2023`]);
    expect(crawledB.counts).toEqual({
      BatchGetItemCommand: 2,
      QueryCommand: 1,
      PutItemCommand: 1,
      UpdateItemCommand: 2,
    });

    // A run cut short after raising its alerts and before storing A's fingerprint (as a crash leaves it):
    // the next run reads A in full again and raises nothing twice.
    await rt.ctx.repo.db.send(
      new UpdateCommand({
        TableName: rt.ctx.repo.table,
        Key: keys.body(A),
        UpdateExpression: 'REMOVE sweepFingerprint',
      }),
    );
    const restarted = await sweep([a.body, b.body]);
    expect(restarted.newAlerts).toEqual([]);
    expect(restarted.counts).toEqual({ BatchGetItemCommand: 2, QueryCommand: 1, UpdateItemCommand: 1 });
    const settled = await sweep([a.body, b.body]);
    expect(settled.counts).toEqual({ BatchGetItemCommand: 1 });

    // A crawl that changes no verdict (its check entry and state rewritten) keeps the bodies cheap.
    clock = new Date('2024-02-06T04:00:00Z');
    await crawlOnce(rt, [A, B]);
    const recrawled = await sweep([a.body, b.body]);
    expect(recrawled.rows).toEqual(settled.rows);
    expect(recrawled.counts).toEqual({ BatchGetItemCommand: 1 });

    // The cheap rows are the full pass's rows.
    const full = await sweep([a.body, b.body], { full: true });
    expect(full.counts.QueryCommand).toBe(2);
    expect(full.newAlerts).toEqual([]);
    expect(settled.rows).toEqual(full.rows);
    for (const id of [
      `deadline.missing/${A}/2023`,
      `deadline.retracted/${A}/2023`,
      `portal.unreachable/${B}/2023`,
      `deadline.missing/${B}/2023`,
    ])
      expect(await rt.ctx.repo.getAlert(id)).toBeTruthy();
  }, 240_000);
});
