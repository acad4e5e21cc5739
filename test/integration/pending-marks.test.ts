import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToDigest, digestDone, subscribersWaiting } from '#shared/alerts/digest-store.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { markAlertDelivered, undeliveredAlerts } from '#shared/store/alert-delivery.ts';
import { markPending } from '#shared/store/pending.ts';
import { keys } from '#shared/store/table.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';

const NOW = '2026-06-01T04:00:00.000Z';
const alert = (alertId: string) => ({
  alertId,
  rule: 'deadline.missing',
  bodyId: '360802',
  year: 2025,
  audience: 'subscribers' as const,
  createdAt: NOW,
  finding: {
    rule: 'deadline.missing',
    severity: 'error' as const,
    message: { zh: '未发布', en: 'missing' },
    evidence: [],
  },
});

describe('what waits (undelivered alerts, digest entries) is found by a Query of its marks, never a Scan', () => {
  let dir: string;
  let rt: Runtime;
  const commands: string[] = [];
  /** The commands `run` sent. */
  const sent = async <T>(run: () => Promise<T>): Promise<{ result: T; commands: string[] }> => {
    const from = commands.length;
    const result = await run();
    return { result, commands: commands.slice(from) };
  };
  const marksOf = async (kind: string) =>
    (
      await rt.ctx.repo.db.send(
        new QueryCommand({
          TableName: rt.ctx.repo.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `PENDING#${kind}` },
          ConsistentRead: true,
        }),
      )
    ).Items?.map((i) => String(i.sk)) ?? [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-pending-'));
    rt = await startRuntime({ config: loadConfig({ NIANBAO_DATA_DIR: dir }), registry: [] });
    const raw = (Item: Record<string, unknown>) =>
      rt.ctx.repo.db.send(new PutCommand({ TableName: rt.ctx.repo.table, Item }));
    // Written as before marks existed: an undelivered alert, a delivered one, an unmailed digest entry.
    await raw({ ...keys.alert('deadline.missing/360802/2024'), ...alert('deadline.missing/360802/2024') });
    await raw({
      ...keys.alert('deadline.missing/360802/2023'),
      ...alert('deadline.missing/360802/2023'),
      deliveredAt: NOW,
    });
    await raw({ pk: 'DIGEST#old', sk: 'ENTRY#x', emailHash: 'old', alertId: 'x', addedAt: NOW });
    // Many check-log entries: what a Scan would read every day.
    for (let i = 0; i < 50; i += 1)
      await raw({ ...keys.check('360802', `2026-05-${i}`), pad: 'x'.repeat(1000) });
    observeCommands(rt.ctx.repo.db, 'pendingCommands', (name) => commands.push(name));
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('alerts: the first redrive marks what an older table holds by one Scan, then Queries only', async () => {
    const first = await sent(() => undeliveredAlerts(rt.ctx.repo, NOW));
    expect(first.result.map((a) => a.alertId)).toEqual(['deadline.missing/360802/2024']);
    expect(first.commands.filter((c) => c === 'ScanCommand')).toHaveLength(1);

    await rt.ctx.repo.recordAlert(alert('deadline.missing/360802/2025'));
    const second = await sent(() => undeliveredAlerts(rt.ctx.repo, NOW));
    expect(second.result.map((a) => a.alertId)).toEqual([
      'deadline.missing/360802/2024',
      'deadline.missing/360802/2025',
    ]);
    expect(second.commands).toEqual(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);

    await markAlertDelivered(rt.ctx.repo, 'deadline.missing/360802/2025', NOW);
    expect(await marksOf('ALERT')).toEqual(['deadline.missing/360802/2024']);
    expect((await undeliveredAlerts(rt.ctx.repo, NOW)).map((a) => a.alertId)).toEqual([
      'deadline.missing/360802/2024',
    ]);
  });

  it('a mark with no alert behind it (a crash between the two) is dropped after an hour, not before', async () => {
    await markPending(rt.ctx.repo, 'ALERT', 'ghost/1/2025', '2026-06-01T02:00:00.000Z');
    await markPending(rt.ctx.repo, 'ALERT', 'ghost/2/2025', '2026-06-01T03:30:00.000Z');
    expect((await undeliveredAlerts(rt.ctx.repo, NOW)).map((a) => a.alertId)).toEqual([
      'deadline.missing/360802/2024',
    ]);
    expect(await marksOf('ALERT')).toEqual(['deadline.missing/360802/2024', 'ghost/2/2025']);
  });

  it('digests: who waits is found by the marks; a mark marked again since the digest took its entries stays', async () => {
    const first = await sent(() => subscribersWaiting(rt.ctx.repo, NOW));
    expect(first.result).toEqual([{ emailHash: 'old', marks: 1 }]);
    expect(first.commands.filter((c) => c === 'ScanCommand')).toHaveLength(1);

    await addToDigest(rt.ctx.repo, 'h1', 'a1', new Date(NOW));
    const waiting = await sent(() => subscribersWaiting(rt.ctx.repo, NOW));
    expect(waiting.result).toEqual([
      { emailHash: 'h1', marks: 1 },
      { emailHash: 'old', marks: 1 },
    ]);
    expect(waiting.commands).toEqual(['GetItemCommand', 'QueryCommand']);
    // An entry added while the digest of h1 is being sent: its mark is not removed by that digest.
    const later = '2026-06-01T06:00:00.000Z';
    await addToDigest(rt.ctx.repo, 'h1', 'a2', new Date(NOW));
    await digestDone(rt.ctx.repo, 'h1', 1, later);
    expect(await marksOf('DIGEST')).toEqual(['h1', 'old']);
    // Nor one marked within the hour (its entry may still be being written: mark first, entry second).
    await digestDone(rt.ctx.repo, 'h1', 2, NOW);
    expect(await marksOf('DIGEST')).toEqual(['h1', 'old']);
    await digestDone(rt.ctx.repo, 'h1', 2, later);
    expect(await marksOf('DIGEST')).toEqual(['old']);
  });
});
