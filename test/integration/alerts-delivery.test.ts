import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAlert, redriveAlerts } from '#shared/stages/alert-stage.ts';
import {
  claimDelivery,
  DELIVERY_LEASE_MS,
  deliveryMessageId,
  undeliveredAlerts,
} from '#shared/store/alert-delivery.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { type AlertsWorld, finding, readSink, startAlertsWorld } from './alerts-support.ts';

/** Records an alert without queueing it: the test plays the workers. */
async function record(w: AlertsWorld, alertId: string, bodyId = '360802'): Promise<void> {
  await w.rt.ctx.repo.recordAlert({
    alertId,
    rule: 'deadline.missing',
    bodyId,
    year: 2025,
    audience: 'subscribers',
    createdAt: w.clock.now().toISOString(),
    finding: finding('deadline.missing'),
  });
}

describe('delivery exactly once per (alert, recipient, channel)', () => {
  let w: AlertsWorld;
  const inbox = async (to: string, alertId: string) =>
    (await readSink(w.rt.mailDir!)).filter((m) => m.to === to && m.alertId === alertId);

  beforeAll(async () => {
    // No stage consumes the alert queue here: each test calls the handler as the workers would.
    w = await startAlertsWorld({}, { stages: [] });
    const at = w.clock.now().toISOString();
    await w.rt.ctx.subscribers.subscribe('one@example.org', ['360802'], { confirmed: true }, at);
    // Overlapping scopes: everything, the province, the city and the county itself.
    await w.rt.ctx.subscribers.subscribe(
      'many@example.org',
      ['*', '36', '3608', '360802'],
      { confirmed: true },
      at,
    );
  });
  afterAll(async () => {
    await w?.close();
  });

  it('mails once when two workers handle the same message at the same time, overlapping scopes once', async () => {
    const alertId = 'deadline.missing/360802/2025';
    await record(w, alertId);
    const outcomes = await Promise.all([
      handleAlert({ type: 'alert', alertId }, w.rt.ctx),
      handleAlert({ type: 'alert', alertId }, w.rt.ctx),
    ]);
    expect(outcomes.reduce((n, o) => n + o.delivered, 0)).toBe(2);
    expect(await inbox('one@example.org', alertId)).toHaveLength(1);
    expect(await inbox('many@example.org', alertId)).toHaveLength(1);
    // A third delivery of the message (SQS at-least-once) sends nothing.
    expect(await handleAlert({ type: 'alert', alertId }, w.rt.ctx)).toMatchObject({
      delivered: 0,
      skipped: 2,
    });
    expect(await inbox('one@example.org', alertId)).toHaveLength(1);
  });

  it('delivers once, after the lease, when a worker died between claim and send', async () => {
    const alertId = 'deadline.missing/360802/2024';
    await record(w, alertId);
    // The dead worker: its claim is written, its send never happened.
    const key = { alertId, recipient: emailHash('one@example.org'), channel: 'email' as const };
    const dead = await claimDelivery(
      w.rt.ctx.repo,
      key,
      deliveryMessageId(key, w.rt.ctx.mailFrom),
      w.clock.now(),
    );
    expect(dead.state).toBe('claimed');

    const early = await handleAlert({ type: 'alert', alertId }, w.rt.ctx);
    expect(early).toMatchObject({ held: 1 });
    expect(await inbox('one@example.org', alertId)).toHaveLength(0);
    // Not marked delivered: the redrive (both runtimes, the cycle's `redrive` task) offers it again.
    expect((await undeliveredAlerts(w.rt.ctx.repo)).map((a) => a.alertId)).toContain(alertId);
    expect(await redriveAlerts(w.rt.ctx)).toContain(alertId);

    w.clock.advance(DELIVERY_LEASE_MS + 1_000);
    expect(await handleAlert({ type: 'alert', alertId }, w.rt.ctx)).toEqual({
      alertId,
      delivered: 1,
      skipped: 1,
    });
    expect(await handleAlert({ type: 'alert', alertId }, w.rt.ctx)).toMatchObject({ delivered: 0 });
    const got = await inbox('one@example.org', alertId);
    expect(got).toHaveLength(1);
    // The Message-ID recorded with the claim is the one sent: a retry after a crash past the send repeats it.
    expect(got[0]?.messageId).toBe(deliveryMessageId(key, w.rt.ctx.mailFrom));
    expect((await undeliveredAlerts(w.rt.ctx.repo)).map((a) => a.alertId)).not.toContain(alertId);
  });
});

describe('a permanent SMTP refusal (5xx) suppresses the address', () => {
  let w: AlertsWorld;
  let server: SMTPServer;
  const accepted: string[] = [];

  beforeAll(async () => {
    // A relay that refuses one mailbox for good and accepts the others.
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('gone@')) {
          const error = Object.assign(new Error('5.1.1 mailbox does not exist'), { responseCode: 550 });
          callback(error);
        } else callback();
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          accepted.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    const port = (server.server.address() as AddressInfo).port;
    w = await startAlertsWorld({ NIANBAO_SMTP_URL: `smtp://127.0.0.1:${port}` }, { stages: [] });
    const at = w.clock.now().toISOString();
    await w.rt.ctx.subscribers.subscribe('gone@example.org', ['36'], { confirmed: true }, at);
    await w.rt.ctx.subscribers.subscribe('here@example.org', ['36'], { confirmed: true }, at);
  });
  afterAll(async () => {
    await w?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('marks the delivery refused, suppresses the address, and sends it nothing more', async () => {
    await record(w, 'deadline.missing/360802/2025');
    const first = await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/2025' }, w.rt.ctx);
    expect(first).toMatchObject({ delivered: 1, refused: 1 });
    expect(await w.rt.ctx.subscribers.get(emailHash('gone@example.org'))).toMatchObject({
      suppressed: true,
      suppressedWhy: expect.stringContaining('550'),
    });
    await record(w, 'deadline.missing/360803/2025', '360803');
    const second = await handleAlert({ type: 'alert', alertId: 'deadline.missing/360803/2025' }, w.rt.ctx);
    expect(second).toEqual({ alertId: 'deadline.missing/360803/2025', delivered: 1, skipped: 0 });
    expect(accepted).toEqual(['here@example.org', 'here@example.org']);
  });
});
