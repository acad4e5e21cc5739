import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToDigest, subscribersWaiting, takeEntries } from '#shared/alerts/digest-store.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { claimDelivery, type DeliveryKey, markDelivery } from '#shared/store/alert-delivery.ts';

/*
 * Found in review: sendDigests claims digest/<h>/<date>, takes the entries, mails, marks the delivery sent,
 * then marks the entries sent. A crash between the last two left the entries unsent and the mark in place;
 * the next day's takeEntries took them over as "an earlier digest that never went out" and they were mailed
 * again. It now asks the earlier digest's delivery first: sent, its entries are marked sent instead.
 */
describe('a digest recorded as sent, then a crash before its entries are marked sent', () => {
  let dir: string;
  let rt: Runtime;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-digest-crash-'));
    rt = await startRuntime({ config: loadConfig({ NIANBAO_DATA_DIR: dir }), registry: [] });
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is not mailed again by the next day’s digest', async () => {
    const day1 = new Date('2026-06-01T01:00:00.000Z');
    await addToDigest(rt.ctx.repo, 'h1', 'deadline.missing/360802/2025', day1);
    const key: DeliveryKey = { alertId: 'digest/h1/2026-06-01', recipient: 'h1', channel: 'email' };
    const claim = await claimDelivery(rt.ctx.repo, key, '<m1@example.org>', day1);
    expect(claim.state).toBe('claimed');
    expect((await takeEntries(rt.ctx.repo, 'h1', key.alertId, day1)).map((e) => e.alertId)).toEqual([
      'deadline.missing/360802/2025',
    ]);
    // The mail went out and is recorded as sent; the process stops here.
    await markDelivery(rt.ctx.repo, key, { status: 'sent', transportId: 'smtp-1' }, day1);

    // Next day.
    const day2 = '2026-06-02T01:00:00.000Z';
    const waiting = await subscribersWaiting(rt.ctx.repo, day2);
    const again = waiting.some((w) => w.emailHash === 'h1')
      ? await takeEntries(rt.ctx.repo, 'h1', 'digest/h1/2026-06-02', new Date(day2))
      : [];
    // Expected: nothing to mail again (yesterday's digest, which held it, was sent).
    expect(again.map((e) => e.alertId)).toEqual([]);
  });
});
