import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycleTask } from '#shared/stages/cycle-stage.ts';
import { raiseAlert } from '#shared/stages/raise-alert.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { type AlertsWorld, finding, readSink, startAlertsWorld } from './alerts-support.ts';

/**
 * A daily-digest subscriber whose findings are waiting clicks "unsubscribe from everything" (the
 * List-Unsubscribe-Post one-click route calls subscribers.unsubscribe(hash, 'all')): the scopes go, the
 * profile stays confirmed and unsuppressed, and the waiting DIGEST# entries stay. sendDigests only checks
 * `confirmed && !suppressed`, so the next digest still mails her the findings: a mail after unsubscribing
 * (RFC 8058 one-click; the issue: "a List-Unsubscribe-Post request stops the next alert"). Same for
 * dropping one scope: the waiting findings of that scope still arrive.
 */
describe('daily digest after unsubscribing', () => {
  let w: AlertsWorld;
  beforeAll(async () => {
    w = await startAlertsWorld();
    const at = w.clock.now().toISOString();
    await w.rt.ctx.subscribers.subscribe(
      'gone@example.org',
      ['36'],
      { confirmed: true, digest: 'daily' },
      at,
    );
    // 08:00 Beijing: the findings arrive before the digest hour.
    w.clock.advance(-2 * 3_600_000);
    await raiseAlert(w.rt.ctx, {
      alertId: 'deadline.missing/360802/2025',
      audience: 'subscribers',
      finding: finding('deadline.missing'),
      bodyId: '360802',
      year: 2025,
    });
    await w.rt.settle();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('sends no digest to an address that unsubscribed from everything', async () => {
    const removed = await w.rt.ctx.subscribers.unsubscribe(emailHash('gone@example.org'), 'all');
    expect(removed).toEqual(['36']);
    w.clock.advance(2 * 3_600_000); // 10:00 Beijing, past NIANBAO_DIGEST_HOUR
    await runCycleTask('digest', w.rt.ctx);
    const mails = (await readSink(w.rt.mailDir!)).filter((m) => m.to === 'gone@example.org');
    expect(mails.map((m) => m.subject)).toEqual([]);
  });
});
