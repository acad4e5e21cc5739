import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { startRuntime } from '#shared/local/runtime.ts';
import { startSmtpSink } from '#shared/local/smtp-sink.ts';
import { undeliveredAlerts } from '#shared/store/alert-delivery.ts';
import { readMailbox } from '#test/support/mailbox.ts';

describe('a mail server outage', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('loses no alert: undelivered alerts go out on the next cycle, none twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nianbao-outage-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // A port that nothing listens on yet: reserve it with a sink, then close the sink.
    const probe = await startSmtpSink(join(dir, 'mail'));
    await probe.close();
    const portal = await startDemoPortal({ sites: ['000'] });
    cleanup.push(() => portal.close());
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_SMTP_URL: probe.url,
    });
    const body = {
      id: '360802',
      name: '吉州区人民政府',
      level: 'district' as const,
      divisionCode: '360802',
      parents: [],
      listingUrl: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/index.html',
      render: 'auto' as const,
    };
    const rt = await startRuntime({ config, originMap: portal.originMap, registry: [body] });
    cleanup.push(() => rt.close());
    await rt.ctx.subscribers.subscribe(
      'desk@example.org',
      ['36'],
      { confirmed: true },
      new Date().toISOString(),
    );

    const down = await runCycle(rt, { force: true });

    expect(down.emailsDelivered).toBe(0);
    expect(down.alertsRaised).toBeGreaterThan(0);
    expect(rt.queues.alert.deadLetters.length).toBe(down.alertsRaised);
    const pending = (await undeliveredAlerts(rt.ctx.repo)).map((a) => a.alertId).sort();
    expect(pending).toHaveLength(down.alertsRaised);
    expect(pending).toContain('deadline.missing/360802/2025');

    const sink = await startSmtpSink(join(dir, 'mail'), probe.port);
    cleanup.push(() => sink.close());
    const up = await runCycle(rt, { force: true });
    const again = await runCycle(rt, { force: true });

    const mails = await readMailbox(join(dir, 'mail'));
    expect(up.emailsDelivered).toBe(down.alertsRaised);
    expect(again.emailsDelivered).toBe(0);
    expect(mails.map((m) => m.alertId).sort()).toEqual(pending);
    expect(await undeliveredAlerts(rt.ctx.repo)).toEqual([]);
  });
});
