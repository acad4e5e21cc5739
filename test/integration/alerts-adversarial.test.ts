import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskAddress } from '#shared/alerts/address.ts';
import { classifySendFailure } from '#shared/mail/refusal.ts';
import { raiseAlert } from '#shared/stages/raise-alert.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { type AlertsWorld, finding, pathOf, readSink, startAlertsWorld } from './alerts-support.ts';

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

describe('a subscription request whose confirmation mail fails', () => {
  let w: AlertsWorld;
  let relay: SMTPServer;
  beforeAll(async () => {
    relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo: (_a, _s, cb) => cb(smtpError(450, '4.2.0 try later')),
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const port = (relay.server.address() as AddressInfo).port;
    w = await startAlertsWorld({
      NIANBAO_MAIL_TRANSPORT: 'smtp',
      NIANBAO_SMTP_URL: `smtp://127.0.0.1:${port}`,
    });
  });
  afterAll(async () => {
    await w?.close();
    await new Promise<void>((r) => relay.close(() => r()));
  });

  it('leaves no half-written pending request behind its error', async () => {
    const res = await w.app.request(
      '/subscriptions',
      {
        method: 'POST',
        body: JSON.stringify({ email: 'later@example.org', scopes: ['360802'] }),
        headers: { 'content-type': 'application/json' },
      },
      { requestContext: { http: { sourceIp: '203.0.113.9' } } },
    );
    expect(res.status).toBe(500);
    expect(await w.rt.ctx.subscribers.get(emailHash('later@example.org'))).toBeUndefined();
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

describe('confirmation and unsubscribe links against scanners and replays', () => {
  let w: AlertsWorld;
  let client = 0;
  const post = (body: unknown, ip = `203.0.113.${++client}`) =>
    w.app.request(
      '/subscriptions',
      { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      { requestContext: { http: { sourceIp: ip } } },
    );
  const mails = async (to: string) => (await readSink(w.rt.mailDir!)).filter((m) => m.to === to);
  const confirmLink = async (to: string) => {
    const conf = (await mails(to)).filter((m) => !m.alertId).at(-1);
    return /https:\/\/alerts\.example\.org\/subscriptions\/confirm\?\S+/.exec(conf?.text ?? '')?.[0];
  };
  const oneClick = (path: string) =>
    w.app.request(path, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  beforeAll(async () => {
    w = await startAlertsWorld({ NIANBAO_ADMIN_EMAIL: 'admin@example.org' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('refuses addresses with control or format characters (NUL, DEL, NEL, ZWSP, LS) and stores nothing', async () => {
    for (const email of [
      'a\u0000b@example.org',
      'c\u007fd@example.org',
      'e\u0085f@example.org',
      'g\u200bh@example.org',
      'i\u2028j@example.org',
    ]) {
      const r = await post({ email, scopes: ['360802'] });
      expect(r.status, JSON.stringify(email)).toBe(400);
      expect(await w.rt.ctx.subscribers.get(emailHash(email))).toBeUndefined();
    }
  });

  it('the manage page reached from a (possibly forwarded) alert masks the address', async () => {
    const reader = 'forwarded@example.org';
    await w.rt.ctx.subscribers.subscribe(
      reader,
      ['360802'],
      { confirmed: true },
      w.clock.now().toISOString(),
    );
    await raiseAlert(w.rt.ctx, {
      alertId: 'deadline.missing/360802/2031',
      audience: 'subscribers',
      finding: finding('deadline.missing'),
      bodyId: '360802',
      year: 2031,
    });
    await w.rt.settle();
    const m = (await mails(reader)).find((x) => x.alertId === 'deadline.missing/360802/2031');
    const manage = /https:\/\/alerts\.example\.org\/alerts\/manage\?t=[\w.-]+/.exec(m?.text ?? '')?.[0];
    expect(manage).toBeDefined();
    const res = await w.app.request(pathOf(manage!));
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toContain(reader);
    expect(page).toContain('f•••@example.org');
    expect(maskAddress('用户@例子.中国')).toBe('用•••@例子.中国');
  });

  it('sends at most 3 confirmation mails per address in any 24 hours, not 6 within 4 seconds across midnight', async () => {
    const target = 'midnight@example.org';
    const saved = w.clock.t;
    w.clock.t = Date.parse('2026-11-25T23:59:58Z');
    for (let i = 0; i < 3; i++) await post({ email: target, scopes: ['36'] });
    w.clock.advance(4_000);
    for (let i = 0; i < 3; i++) await post({ email: target, scopes: ['36'] });
    expect(await mails(target)).toHaveLength(3);
    w.clock.advance(24 * 3_600_000);
    await post({ email: target, scopes: ['36'] });
    w.clock.t = saved;
    expect(await mails(target)).toHaveLength(4);
  });

  it('a GET of the confirmation link (a mail scanner, a link preview) does not widen scopes; its button does', async () => {
    const victim = 'prefetch@example.org';
    await w.rt.ctx.subscribers.subscribe(
      victim,
      ['360802'],
      { confirmed: true },
      w.clock.now().toISOString(),
    );
    await post({ email: victim, scopes: ['*'] });
    const link = await confirmLink(victim);
    expect(link).toBeDefined();
    const shown = await w.app.request(pathOf(link!), { headers: { 'user-agent': 'SafeLinks-prefetch' } });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('全部地区');
    expect(await w.rt.ctx.subscribers.scopes(emailHash(victim))).toEqual(['360802']);
    expect((await w.app.request(pathOf(link!), { method: 'POST' })).status).toBe(200);
    expect(await w.rt.ctx.subscribers.scopes(emailHash(victim))).toEqual(['*', '360802']);
  });

  it('an old per-scope unsubscribe link, replayed after the reader subscribed again, answers 410 and changes nothing', async () => {
    const reader = 'replay@example.org';
    await w.rt.ctx.subscribers.subscribe(
      reader,
      ['360803'],
      { confirmed: true },
      w.clock.now().toISOString(),
    );
    await raiseAlert(w.rt.ctx, {
      alertId: 'deadline.missing/360803/2030',
      audience: 'subscribers',
      finding: finding('deadline.missing'),
      bodyId: '360803',
      year: 2030,
    });
    await w.rt.settle();
    const m = (await mails(reader)).find((x) => x.alertId === 'deadline.missing/360803/2030');
    expect(m).toBeDefined();
    const at = m!.text.indexOf('退订此范围');
    const scopeLink = /https:\/\/alerts\.example\.org\/unsubscribe\?t=[\w.-]+/.exec(m!.text.slice(at))?.[0];
    expect(scopeLink).toBeDefined();
    expect((await oneClick(pathOf(scopeLink!))).status).toBe(200);
    expect(await w.rt.ctx.subscribers.scopes(emailHash(reader))).toEqual([]);
    await post({ email: reader, scopes: ['360803'] });
    const link = await confirmLink(reader);
    expect((await w.app.request(pathOf(link!), { method: 'POST' })).status).toBe(200);
    expect(await w.rt.ctx.subscribers.scopes(emailHash(reader))).toEqual(['360803']);
    const replay = await oneClick(pathOf(scopeLink!));
    expect(replay.status).toBe(410);
    expect(await w.rt.ctx.subscribers.scopes(emailHash(reader))).toEqual(['360803']);
  });
});
