import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycleTask } from '#shared/stages/cycle-stage.ts';
import { raiseAlert } from '#shared/stages/raise-alert.ts';
import { type AlertsWorld, finding, readSink, startAlertsWorld } from './alerts-support.ts';

/**
 * sendDigests (shared/alerts/digest.ts) handles only a recipient's permanent refusal; any other failure of
 * ONE subscriber's digest is rethrown and ends the loop. A relay's policy refusal of one recipient
 * (554 5.7.1 at RCPT TO: `transport` in mail/refusal.ts, the same every day) therefore stops every digest
 * after it, every day, for ever; the admins are not told (the immediate path tells them once a day).
 */
describe('daily digest: one subscriber the relay refuses must not cost the others theirs', () => {
  let w: AlertsWorld;
  const subs = ['d1@example.org', 'd2@example.org', 'd3@example.org', 'd4@example.org'];
  let refused = '';

  beforeAll(async () => {
    w = await startAlertsWorld();
    const at = w.clock.now().toISOString();
    for (const s of subs)
      await w.rt.ctx.subscribers.subscribe(s, ['36'], { confirmed: true, digest: 'daily' }, at);
    const mail = w.rt.ctx.mail;
    const send = mail.send.bind(mail);
    // The relay refuses, by policy, whichever digest recipient it is asked for first (a fixed address).
    mail.send = (async (m: Parameters<typeof send>[0]) => {
      const to = String(m.to);
      if (!refused && subs.includes(to)) refused = to;
      if (to === refused) {
        throw Object.assign(new Error("Can't send mail - all recipients were rejected"), {
          responseCode: 554,
          response: '554 5.7.1 <recipient>: Relay access denied by policy',
          command: 'RCPT TO',
          rejected: [to],
        });
      }
      return send(m);
    }) as typeof mail.send;
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

  it("every other daily subscriber gets the day's digest", async () => {
    // 10:00 Beijing (the test clock): after NIANBAO_DIGEST_HOUR. Run the task as three cycles would.
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) await runCycleTask('digest', w.rt.ctx).catch((e) => errors.push(e));
    const got = new Set(
      (await readSink(w.rt.mailDir!)).filter((m) => m.subject.includes('每日汇总')).map((m) => m.to),
    );
    const others = subs.filter((s) => s !== refused);
    expect({ refused, errors: errors.length, got: [...got].sort() }).toEqual({
      refused,
      errors: 0,
      got: others.sort(),
    });
  });
});
