import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { robotLabel } from '#shared/channels/robot.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { handleAlert, redriveAlerts } from '#shared/stages/alert-stage.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { RobotReceivers } from '../support/robot-receivers.ts';
import { type AlertsWorld, finding, pathOf, startAlertsWorld, TestClock } from './alerts-support.ts';

const WECOM_KEY = '693a91f6-7aaa-4bc4-97a0-0ec2afa5aaa1';
const DING_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const DING_SECRET = 'SECf0e1d2c3b4a5968778695a4b3c2d1e0f';
const FEISHU_HOOK = '5e3d587e-d78e-4a07-bd07-265f269f86fd';
const FEISHU_SECRET = 'nIMtb7r3N9pkXyXdtAbx6e';
const HOOK_SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

describe('alerts to chat robots and signed webhooks, against loopback platforms', () => {
  let w: AlertsWorld;
  let rx: RobotReceivers;
  const clock = new TestClock();
  /** Every line the runtime logged: no key, token or secret may be among them. */
  const logged: string[] = [];

  /** Records an alert without queueing it: the test plays the workers. */
  const record = (alertId: string, year: number, f: Finding = finding('deadline.missing')) =>
    w.rt.ctx.repo.recordAlert({
      alertId,
      rule: f.rule,
      bodyId: '360802',
      year,
      audience: 'subscribers',
      createdAt: w.clock.now().toISOString(),
      finding: f,
    });
  const post = (json: unknown) =>
    w.app.request('/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
  /** What an operator's `nianbao subscribe --channel …` stores: a confirmed robot subscriber. */
  const subscribeRobot = async (
    url: string,
    secret: string | undefined,
    channel: 'dingtalk' | 'feishu' | 'webhook' | 'wecom',
  ) => {
    const { parseRobot } = await import('#shared/channels/robot.ts');
    const parsed = parseRobot({ channel, url, secret }, (o) => o === rx.origin);
    if (!parsed.ok) throw new Error(parsed.error);
    const label = robotLabel(parsed.robot);
    await w.rt.ctx.subscribers.subscribe(
      label,
      ['360802'],
      { confirmed: true, robot: parsed.robot },
      w.clock.now().toISOString(),
    );
    return label;
  };

  beforeAll(async () => {
    rx = new RobotReceivers(() => clock.now().getTime());
    rx.addWecom(WECOM_KEY);
    rx.addDingtalk(DING_TOKEN, DING_SECRET);
    rx.addFeishu(FEISHU_HOOK, FEISHU_SECRET);
    rx.addHook('h1', HOOK_SECRET);
    await rx.start();
    w = await startAlertsWorld(
      {
        NIANBAO_WECOM_URL: rx.origin,
        NIANBAO_DINGTALK_URL: rx.origin,
        NIANBAO_FEISHU_URL: rx.origin,
        NIANBAO_ALLOW_PRIVATE_ORIGINS: rx.origin,
      },
      { stages: [], now: clock.now, log: (line) => logged.push(line) },
    );
    w.clock = clock;
  });
  afterAll(async () => {
    await w?.close();
    await rx?.close();
  });

  it('企业微信: confirmation posted to the robot first, nothing before it; then the alert with its evidence and unsubscribe links; the key never shown', async () => {
    const robotUrl = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}`;
    const answer = await post({ channel: 'wecom', robotUrl, scopes: ['360802'] });
    expect(answer.status).toBe(202);
    expect(await answer.text()).not.toContain(WECOM_KEY);
    const [confirmation] = rx.for(WECOM_KEY);
    expect(rx.for(WECOM_KEY)).toHaveLength(1);
    expect(confirmation?.text).toContain('请确认订阅');
    const link = /https:\/\/alerts\.example\.org\/subscriptions\/confirm\?e=[0-9a-f]{32}&t=[\w-]+/.exec(
      confirmation?.text ?? '',
    )?.[0];
    expect(link).toBeDefined();

    // Before confirmation, an alert in scope reaches nobody.
    await record('deadline.missing/360802/2019', 2019);
    expect(
      await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/2019' }, w.rt.ctx),
    ).toMatchObject({ delivered: 0 });
    expect(rx.for(WECOM_KEY)).toHaveLength(1);

    const shown = await w.app.request(pathOf(link!));
    expect(await shown.text()).not.toContain(WECOM_KEY);
    expect((await w.app.request(pathOf(link!), { method: 'POST' })).status).toBe(200);

    await record('deadline.missing/360802/2018', 2018);
    expect(
      await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/2018' }, w.rt.ctx),
    ).toMatchObject({ delivered: 1 });
    const alert = rx.for(WECOM_KEY)[1]?.text ?? '';
    expect(alert).toMatch(/^\*\*【年报监测】/);
    expect(alert).toContain('吉州区人民政府');
    expect(alert).toContain('报告年度 Report year:2018');
    expect(alert).toContain('(https://alerts.example.org/evidence/');
    const unsubscribe = /\(https:\/\/alerts\.example\.org\/unsubscribe\?t=([\w.-]+)\)/
      .exec(alert)?.[0]
      .slice(1, -1);
    expect(unsubscribe).toBeDefined();

    // The manage page names the robot by its label, never by its key.
    const manage = /\(https:\/\/alerts\.example\.org\/alerts\/manage\?t=[\w.-]+\)/
      .exec(alert)?.[0]
      .slice(1, -1);
    const managePage = await (await w.app.request(pathOf(manage!))).text();
    expect(managePage).not.toContain(WECOM_KEY);
    expect(managePage).toContain('企业微信群机器人 wecom:');

    // The unsubscribe link works: nothing more is posted.
    const stopped = await w.app.request(pathOf(unsubscribe!), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(stopped.status).toBe(200);
    await record('deadline.missing/360802/2017', 2017);
    await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/2017' }, w.rt.ctx);
    expect(rx.for(WECOM_KEY)).toHaveLength(2);
  });

  it('the web form subscribes a robot: the confirmation goes to the robot, the page never shows its URL or key', async () => {
    const key = 'c0ffee00-1111-2222-3333-444455556666';
    rx.addWecom(key);
    const form = new URLSearchParams({
      channel: 'wecom',
      robotUrl: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`,
      scope: '360802',
    });
    const res = await w.app.request('/subscribe', {
      method: 'POST',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(202);
    const page = await res.text();
    expect(page).toContain('确认消息已发往该群机器人');
    expect(page).not.toContain(key);
    expect(rx.for(key)).toHaveLength(1);
    expect(rx.for(key)[0]?.text).toContain('/subscriptions/confirm?e=');
    // A malformed secret is refused on the page, and not written back into it.
    const bad = new URLSearchParams({
      channel: 'feishu',
      robotUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07',
      robotSecret: 'bad secret!',
      scope: '360802',
    });
    const refused = await w.app.request('/subscribe', {
      method: 'POST',
      body: bad.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).not.toContain('bad secret!');
    expect(text).not.toContain('5e3d587e-d78e-4a07');
  });

  it('refuses a robot URL of another host or without its secret, never echoing the secret', async () => {
    const elsewhere = await post({
      channel: 'wecom',
      robotUrl: `https://evil.example/cgi-bin/webhook/send?key=${WECOM_KEY}`,
      scopes: ['360802'],
    });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).not.toContain(WECOM_KEY);
    const unsigned = await post({
      channel: 'dingtalk',
      robotUrl: `https://oapi.dingtalk.com/robot/send?access_token=${DING_TOKEN}`,
      robotSecret: 'not-a-secret',
      scopes: ['360802'],
    });
    expect(unsigned.status).toBe(400);
    const text = await unsigned.text();
    expect(text).not.toContain(DING_TOKEN);
    expect(text).not.toContain('not-a-secret');
    const daily = await post({
      channel: 'wecom',
      robotUrl: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}`,
      scopes: ['*'],
      digest: 'daily',
    });
    expect(daily.status).toBe(400);
  });

  it('钉钉: signed posts within 20 a minute; the 5 over our limit arrive after the minute, on the redrive, each once', async () => {
    const label = await subscribeRobot(
      `https://oapi.dingtalk.com/robot/send?access_token=${DING_TOKEN}`,
      DING_SECRET,
      'dingtalk',
    );
    const years = Array.from({ length: 25 }, (_, i) => 1990 + i);
    for (const y of years) await record(`deadline.missing/360802/${y}`, y);
    let throttled = 0;
    for (const y of years) {
      const o = await handleAlert({ type: 'alert', alertId: `deadline.missing/360802/${y}` }, w.rt.ctx);
      throttled += o.throttled ?? 0;
    }
    expect(rx.for(DING_TOKEN)).toHaveLength(20);
    expect(throttled).toBe(5);
    expect(rx.refusals.filter((r) => r.robot === DING_TOKEN)).toEqual([]);
    clock.advance(61_000);
    const again = await redriveAlerts(w.rt.ctx);
    for (const id of again) await handleAlert({ type: 'alert', alertId: id }, w.rt.ctx);
    const got = rx.for(DING_TOKEN).map((r) => /Report year:(\d{4})/.exec(r.text)?.[1]);
    expect(got.sort()).toEqual(years.map(String));
    // A second redrive posts nothing: every delivery is done.
    for (const id of await redriveAlerts(w.rt.ctx))
      await handleAlert({ type: 'alert', alertId: id }, w.rt.ctx);
    expect(rx.for(DING_TOKEN)).toHaveLength(25);
    expect((await w.rt.ctx.subscribers.get(emailHash(label)))?.suppressed).toBe(false);
    await w.rt.ctx.subscribers.unsubscribe(emailHash(label), 'all');
  });

  it("企业微信: the platform's over-limit answer (45009, the robot used by another program) leaves the alert for the redrive", async () => {
    const key = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    rx.addWecom(key);
    const label = await subscribeRobot(
      `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`,
      undefined,
      'wecom',
    );
    rx.usedElsewhere(key, 18);
    const years = [1980, 1981, 1982, 1983];
    for (const y of years) await record(`deadline.missing/360802/${y}`, y);
    for (const y of years)
      await handleAlert({ type: 'alert', alertId: `deadline.missing/360802/${y}` }, w.rt.ctx);
    expect(rx.for(key)).toHaveLength(2);
    expect(rx.refusals.filter((r) => r.robot === key && r.code === 45009)).toHaveLength(2);
    clock.advance(61_000);
    for (const id of await redriveAlerts(w.rt.ctx))
      await handleAlert({ type: 'alert', alertId: id }, w.rt.ctx);
    const got = rx.for(key).map((r) => /Report year:(\d{4})/.exec(r.text)?.[1]);
    expect(got.sort()).toEqual(years.map(String));
    await w.rt.ctx.subscribers.unsubscribe(emailHash(label), 'all');
  });

  it('飞书: signed posts at 5 a second; a wrong secret is refused by the platform (19021), the robot suppressed and the admins told', async () => {
    const label = await subscribeRobot(
      `https://open.feishu.cn/open-apis/bot/v2/hook/${FEISHU_HOOK}`,
      FEISHU_SECRET,
      'feishu',
    );
    const years = [1970, 1971, 1972, 1973, 1974, 1975, 1976];
    for (const y of years) await record(`deadline.missing/360802/${y}`, y);
    for (const y of years)
      await handleAlert({ type: 'alert', alertId: `deadline.missing/360802/${y}` }, w.rt.ctx);
    expect(rx.for(FEISHU_HOOK)).toHaveLength(5);
    clock.advance(61_000);
    for (const id of await redriveAlerts(w.rt.ctx))
      await handleAlert({ type: 'alert', alertId: id }, w.rt.ctx);
    expect(
      rx
        .for(FEISHU_HOOK)
        .map((r) => /Report year:(\d{4})/.exec(r.text)?.[1])
        .sort(),
    ).toEqual(years.map(String));
    await w.rt.ctx.subscribers.unsubscribe(emailHash(label), 'all');

    const hook = '9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0';
    rx.addFeishu(hook, 'TheRightSecret123');
    const wrong = await subscribeRobot(
      `https://open.feishu.cn/open-apis/bot/v2/hook/${hook}`,
      'AWrongSecret456',
      'feishu',
    );
    await record('deadline.missing/360802/1969', 1969);
    const o = await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/1969' }, w.rt.ctx);
    expect(o).toMatchObject({ delivered: 0, refused: 1 });
    expect(rx.for(hook)).toEqual([]);
    expect(rx.refusals).toContainEqual({ robot: hook, code: 19021 });
    const sub = await w.rt.ctx.subscribers.get(emailHash(wrong));
    expect(sub?.suppressed).toBe(true);
    const told = await w.rt.ctx.repo.getAlert(`robot.invalid/${wrong}`);
    expect(told?.audience).toBe('admins');
    expect(JSON.stringify(told)).not.toContain('AWrongSecret456');
    expect(JSON.stringify(told)).not.toContain(hook);
  });

  it('Standard Webhooks: a signed post the receiver verifies, confirmed through the API; hostile report text arrives inert', async () => {
    const robotUrl = `${rx.origin}/hooks/h1`;
    expect(
      (await post({ channel: 'webhook', robotUrl, robotSecret: HOOK_SECRET, scopes: ['360802'] })).status,
    ).toBe(202);
    const [confirmation] = rx.for('h1');
    const link = /https:\/\/alerts\.example\.org\/subscriptions\/confirm\?e=[0-9a-f]{32}&t=[\w-]+/.exec(
      confirmation?.text ?? '',
    )?.[0];
    expect((await w.app.request(pathOf(link!), { method: 'POST' })).status).toBe(200);
    const hostile: Finding = {
      rule: 'deadline.missing',
      severity: 'error',
      message: {
        zh: '见[点我](http://evil.example/x) <@all> @所有人 <at user_id="all">所有人</at>\n# 标题',
        en: 'x',
      },
      evidence: [],
    };
    await record('deadline.missing/360802/1960', 1960, hostile);
    await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/1960' }, w.rt.ctx);
    const got = rx.for('h1')[1];
    expect(got?.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    const text = JSON.parse(got?.text ?? '{}').data.text as string;
    expect(text).not.toContain('](');
    expect(text).not.toContain('http://evil');
    // The report's words: no link, mention, tag or heading survives (our own links follow on their lines).
    const said = text.split('\n').find((l) => l.startsWith('发现')) ?? '';
    expect(said).toContain('点我');
    expect(said).not.toMatch(/[<>@#[\]()]/u);
    const { emailHash: hashOf } = await import('#shared/store/subscribers.ts');
    const h1 = (await w.rt.ctx.subscribers.list()).find((x) => x.robot?.channel === 'webhook');
    await w.rt.ctx.subscribers.unsubscribe(hashOf(h1?.email ?? ''), 'all');
  });

  it('Standard Webhooks: a receiver with another secret refuses the post (401): nothing counted as sent', async () => {
    rx.addHook('h2', `whsec_${Buffer.from('another-secret-another-secret-32').toString('base64')}`);
    await subscribeRobot(`${rx.origin}/hooks/h2`, HOOK_SECRET, 'webhook');
    await record('deadline.missing/360802/1959', 1959);
    const o = await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/1959' }, w.rt.ctx);
    expect(o.delivered).toBe(0);
    expect(rx.refusals).toContainEqual({ robot: 'h2', code: 401 });
    expect(rx.for('h2')).toEqual([]);
  });

  it('a webhook whose https URL reaches a private address is refused by the SSRF guard and suppressed', async () => {
    const label = await subscribeRobot('https://127.0.0.1:9/hooks/x', HOOK_SECRET, 'webhook');
    await record('deadline.missing/360802/1958', 1958);
    const o = await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/1958' }, w.rt.ctx);
    expect(o.refused).toBeGreaterThanOrEqual(1);
    expect((await w.rt.ctx.subscribers.get(emailHash(label)))?.suppressedWhy).toMatch(/unsafe target/);
  });

  it('logged something about the robots, and never a key, token, hook id or secret', () => {
    expect(logged.some((l) => /robot/.test(l))).toBe(true);
    const secrets = [
      WECOM_KEY,
      DING_TOKEN,
      DING_SECRET,
      FEISHU_HOOK,
      FEISHU_SECRET,
      HOOK_SECRET,
      'AWrongSecret456',
    ];
    for (const secret of secrets) expect(logged.filter((l) => l.includes(secret))).toEqual([]);
  });
});
