import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySendFailure } from '#shared/mail/refusal.ts';
import { raiseAlert } from '#shared/stages/raise-alert.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { type AlertsWorld, finding, startAlertsWorld } from './alerts-support.ts';

const READERS = ['one@example.org', 'two@example.org', 'three@example.org'];

/** Answers `code reply` to the SMTP command that `refuse` names; accepts everything else. */
function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * A relay that refuses our SENDER (554 5.7.1 relay access denied) or a message's CONTENT (554 5.7.1
 * rejected as spam): our transport failed, not the readers' mailboxes. Nobody is suppressed, the alert
 * stays for the redrive, and the admins get one alert. A mailbox refused at RCPT TO is suppressed.
 */
describe('alerts against a relay that refuses us, not the reader', () => {
  let w: AlertsWorld;
  let relay: SMTPServer;
  let mode: 'sender' | 'content' | 'mailbox' = 'sender';
  beforeAll(async () => {
    relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onMailFrom(_a, _s, cb) {
        if (mode === 'sender') return cb(smtpError(554, '5.7.1 Relay access denied'));
        cb();
      },
      onRcptTo(a, _s, cb) {
        if (mode === 'mailbox' && a.address === 'two@example.org')
          return cb(smtpError(550, '5.1.1 User unknown'));
        cb();
      },
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () =>
          mode === 'content' ? cb(smtpError(554, '5.7.1 Message rejected as spam')) : cb(),
        );
      },
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const port = (relay.server.address() as AddressInfo).port;
    w = await startAlertsWorld({
      NIANBAO_MAIL_TRANSPORT: 'smtp',
      NIANBAO_SMTP_URL: `smtp://127.0.0.1:${port}`,
    });
    const at = w.clock.now().toISOString();
    for (const e of READERS) await w.rt.ctx.subscribers.subscribe(e, ['36'], { confirmed: true }, at);
  });
  afterAll(async () => {
    await w?.close();
    await new Promise<void>((r) => relay.close(() => r()));
  });

  async function suppressed(): Promise<string[]> {
    const out: string[] = [];
    for (const e of READERS) if ((await w.rt.ctx.subscribers.get(emailHash(e)))?.suppressed) out.push(e);
    return out;
  }

  it('a relay refusing our sender (554 at MAIL FROM) suppresses nobody and tells the admins once', async () => {
    mode = 'sender';
    const alertId = 'deadline.missing/360802/2025';
    await raiseAlert(w.rt.ctx, {
      alertId,
      audience: 'subscribers',
      finding: finding('deadline.missing'),
      bodyId: '360802',
      year: 2025,
    });
    await w.rt.settle();
    expect(await suppressed()).toEqual([]);
    const undelivered = (await w.rt.ctx.repo.getAlert(alertId)) as { deliveredAt?: string } | undefined;
    expect(undelivered?.deliveredAt).toBeUndefined();
    const day = w.clock.now().toISOString().slice(0, 10);
    const admin = await w.rt.ctx.repo.getAlert(`mail.transport/${day}`);
    expect(admin?.audience).toBe('admins');
    expect(admin?.finding.rule).toBe('mail.transport');
  });

  it('a spam.injection alert rejected for its content (554 at DATA) suppresses nobody', async () => {
    mode = 'content';
    await raiseAlert(w.rt.ctx, {
      alertId: 'spam.injection/360803/2025',
      audience: 'subscribers',
      finding: finding('spam.injection'),
      bodyId: '360803',
      year: 2025,
    });
    await w.rt.settle();
    expect(await suppressed()).toEqual([]);
  });

  it('a mailbox refused at RCPT TO (550 5.1.1) is suppressed, the others are not', async () => {
    mode = 'mailbox';
    await raiseAlert(w.rt.ctx, {
      alertId: 'template.missing-section/360802/2025',
      audience: 'subscribers',
      finding: finding('template.missing-section'),
      bodyId: '360802',
      year: 2025,
    });
    await w.rt.settle();
    expect(await suppressed()).toEqual(['two@example.org']);
  });
});

describe('classifySendFailure', () => {
  const at = (command: string, response: string, extra: object = {}) =>
    classifySendFailure(
      { responseCode: Number(response.slice(0, 3)), response, command, ...extra },
      'a@example.org',
    ).kind;
  it('suppresses only a mailbox refused at RCPT TO', () => {
    expect(at('RCPT TO', '550 5.1.1 <a@example.org>: user unknown', { rejected: ['a@example.org'] })).toBe(
      'recipient',
    );
    expect(at('RCPT TO', '553 mailbox name not allowed')).toBe('recipient');
    expect(at('RCPT TO', '554 5.7.1 <a@example.org>: Relay access denied')).toBe('transport');
    expect(at('RCPT TO', '550 5.1.1 user unknown', { rejected: ['b@example.org'] })).toBe('transport');
    expect(at('MAIL FROM', '554 5.7.1 Relay access denied')).toBe('transport');
    expect(at('DATA', '552 5.3.4 Message too big')).toBe('transport');
    expect(at('AUTH PLAIN', '535 5.7.8 Authentication credentials invalid')).toBe('transport');
    expect(at('RCPT TO', '450 4.2.0 try later')).toBe('passing');
    expect(classifySendFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'a@x.org').kind).toBe(
      'passing',
    );
  });
});
