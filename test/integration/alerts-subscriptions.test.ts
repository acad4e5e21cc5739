import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRM_PER_ADDRESS, REQUESTS_PER_CLIENT } from '#shared/alerts/rate-limit.ts';
import { raiseAlert } from '#shared/stages/raise-alert.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { type AlertsWorld, finding, pathOf, readSink, startAlertsWorld } from './alerts-support.ts';

describe('subscriptions: double opt-in for every change, no leak, no mail cannon', () => {
  let w: AlertsWorld;
  const mails = async (to: string) => (await readSink(w.rt.mailDir!)).filter((m) => m.to === to);
  let client = 0;
  /** Each call from its own client address, unless one is given. */
  const post = (body: unknown, ip = `198.51.100.${++client}`) =>
    w.app.request(
      '/subscriptions',
      { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      { requestContext: { http: { sourceIp: ip } } },
    );
  const raise = async (
    id: string,
    bodyId: string,
    rule = 'deadline.missing',
    severity?: 'info' | 'warning',
  ) => {
    await raiseAlert(w.rt.ctx, {
      alertId: id,
      audience: 'subscribers',
      finding: finding(rule, severity),
      bodyId,
      year: 2025,
    });
    await w.rt.settle();
  };

  beforeAll(async () => {
    w = await startAlertsWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('refuses the scope-widening attack: a stranger posting * for a confirmed address changes nothing', async () => {
    const victim = 'victim@example.org';
    await w.rt.ctx.subscribers.subscribe(
      victim,
      ['360802'],
      { confirmed: true },
      w.clock.now().toISOString(),
    );

    const attack = await post({ email: victim, scopes: ['*'] });
    const stranger = await post({ email: 'nobody-yet@example.org', scopes: ['*'] });

    // The same answer for a confirmed subscriber and an unknown address: nothing tells them apart.
    expect(attack.status).toBe(202);
    expect(stranger.status).toBe(202);
    const answer = await attack.json();
    expect(await stranger.json()).toEqual(answer);
    expect(JSON.stringify(answer)).not.toMatch(/confirmed|emailHash/);
    expect(await w.rt.ctx.subscribers.scopes(emailHash(victim))).toEqual(['360802']);

    await raise('deadline.missing/360802/2025', '360802');
    await raise('deadline.missing/360803/2025', '360803');
    const got = (await mails(victim)).filter((m) => m.alertId);
    expect(got.map((m) => m.alertId)).toEqual(['deadline.missing/360802/2025']);

    // The victim was told, in words, what someone asked for; only the link applies it.
    const [confirmation] = (await mails(victim)).filter((m) => !m.alertId);
    expect(confirmation?.text).toContain('全部地区');
    const link = /https:\/\/alerts\.example\.org\/subscriptions\/confirm\?e=[0-9a-f]{32}&t=[\w-]+/.exec(
      confirmation?.text ?? '',
    )?.[0];
    expect(link).toBeDefined();
    // Opening the link (GET) only shows the change; its button (POST) applies it.
    const opened = await w.app.request(pathOf(link!));
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('<form method="post"');
    expect(await w.rt.ctx.subscribers.scopes(emailHash(victim))).toEqual(['360802']);
    expect((await w.app.request(pathOf(link!), { method: 'POST' })).status).toBe(200);
    expect(await w.rt.ctx.subscribers.scopes(emailHash(victim))).toEqual(['*', '360802']);
    const replay = await w.app.request(pathOf(link!), { method: 'POST' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('nothing was changed');
  });

  it('names the scopes in words in the confirmation mail (江西省 › 吉安市) and sends nothing before confirmation', async () => {
    const email = 'desk@example.org';
    expect((await post({ email, scopes: ['360800', '360802'] })).status).toBe(202);
    const [mail] = await mails(email);
    expect(mail?.text).toContain('江西省 › 吉安市');
    expect(mail?.text).toContain('江西省 › 吉安市 › 吉州区');
    expect(mail?.text).not.toMatch(/\b3608\b/);
    expect(mail?.html).toContain('江西省 › 吉安市');
    await raise('deadline.missing/360802/2024', '360802');
    expect((await mails(email)).filter((m) => m.alertId)).toEqual([]);
  });

  it('sends at most the per-address limit of confirmation mails for 20 posts', async () => {
    const email = 'target@example.org';
    const answers = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      const res = await post({ email, scopes: ['36'] });
      expect(res.status).toBe(202);
      answers.add(await res.text());
    }
    expect(answers.size).toBe(1);
    expect(await mails(email)).toHaveLength(CONFIRM_PER_ADDRESS.max);
    // The limit is counted in the table: a new app (another Lambda container) sees the same count.
    const { createApp } = await import('#shared/api/app.ts');
    const other = createApp(w.rt.ctx, {});
    await other.request('/subscriptions', {
      method: 'POST',
      body: JSON.stringify({ email, scopes: ['36'] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(await mails(email)).toHaveLength(CONFIRM_PER_ADDRESS.max);
  });

  it('limits requests per client address (429 past the limit)', async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < REQUESTS_PER_CLIENT.max; i += 1) {
      expect((await post({ email: `c${i}@example.org`, scopes: ['36'] }, ip)).status).toBe(202);
    }
    const over = await post({ email: 'one-more@example.org', scopes: ['36'] }, ip);
    expect(over.status).toBe(429);
    expect(await w.rt.ctx.subscribers.get(emailHash('one-more@example.org'))).toBeUndefined();
  });

  it('refuses bad input with a clear error and stores nothing; an IDN address is valid', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ email: 'a@example.org\r\nBcc: x@example.net', scopes: ['36'] }, /email/],
      [{ email: 'a@example.org, b@example.net', scopes: ['36'] }, /email/],
      [{ email: '<a@example.org>', scopes: ['36'] }, /email/],
      [{ email: 'unknown-scope@example.org', scopes: ['99'] }, /unknown scopes/],
      [{ email: 'daily@example.org', scopes: ['36'], digest: 'weekly' }, /digest/],
      [{ email: 'kinds@example.org', scopes: ['36'], kinds: ['gossip'] }, /kinds/],
    ];
    for (const [body, why] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(why);
    }
    for (const e of ['unknown-scope@example.org', 'daily@example.org', 'kinds@example.org']) {
      expect(await w.rt.ctx.subscribers.get(emailHash(e))).toBeUndefined();
    }
    const huge = await post({ email: 'big@example.org', scopes: ['36'], pad: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(await w.rt.ctx.subscribers.get(emailHash('big@example.org'))).toBeUndefined();

    const idn = await post({ email: '用户@例子.中国', scopes: ['36'] });
    expect(idn.status).toBe(202);
    expect((await w.rt.ctx.subscribers.get(emailHash('用户@例子.中国')))?.pending?.scopes).toEqual(['36']);
  });

  it('applies kinds and minimum severity on confirmation, and an expired link changes nothing', async () => {
    const email = 'filters@example.org';
    await post({ email, scopes: ['3608'], kinds: ['anomalies'], minSeverity: 'warning' });
    const [mail] = await mails(email);
    expect(mail?.text).toContain('仅异常');
    const link = /https:\/\/\S+\/subscriptions\/confirm\?\S+/.exec(mail?.text ?? '')?.[0];
    expect((await w.app.request(pathOf(link!), { method: 'POST' })).status).toBe(200);
    expect(await w.rt.ctx.subscribers.get(emailHash(email))).toMatchObject({
      confirmed: true,
      kinds: ['anomalies'],
      minSeverity: 'warning',
    });
    await raise('deadline.missing/360803/2023', '360803');
    await raise('arith.percent/360803/2023', '360803', 'arith.percent', 'info');
    await raise('arith.sum/360803/2023', '360803', 'arith.sum', 'warning');
    expect((await mails(email)).filter((m) => m.alertId).map((m) => m.alertId)).toEqual([
      'arith.sum/360803/2023',
    ]);

    const late = 'late@example.org';
    await post({ email: late, scopes: ['36'] });
    const lateLink = /https:\/\/\S+\/subscriptions\/confirm\?\S+/.exec(
      (await mails(late))[0]?.text ?? '',
    )?.[0];
    w.clock.advance(49 * 3_600_000);
    const expired = await w.app.request(pathOf(lateLink!));
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('expired');
    expect(await w.rt.ctx.subscribers.get(emailHash(late))).toMatchObject({ confirmed: false });
    expect(await w.rt.ctx.subscribers.scopes(emailHash(late))).toEqual([]);
  });
});
