import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '#shared/stages/raise-alert.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import {
  type AlertsWorld,
  finding,
  pathOf,
  readSink,
  type SinkMail,
  startAlertsWorld,
} from './alerts-support.ts';

describe('stopping alerts: RFC 8058 one-click, per scope, manage page, forged/expired/replayed links', () => {
  let w: AlertsWorld;
  let n = 0;
  const raise = async (bodyId: string) => {
    n += 1;
    const alertId = `deadline.missing/${bodyId}/${2000 + n}`;
    await raiseAlert(w.rt.ctx, {
      alertId,
      audience: 'subscribers',
      finding: finding('deadline.missing'),
      bodyId,
      year: 2000 + n,
    });
    await w.rt.settle();
    return alertId;
  };
  const mailFor = async (to: string, alertId: string): Promise<SinkMail | undefined> =>
    (await readSink(w.rt.mailDir!)).find((m) => m.to === to && m.alertId === alertId);
  const oneClick = (path: string) =>
    w.app.request(path, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  const headerUrl = (m: SinkMail): string => {
    const raw = m.raw.get('list-unsubscribe') ?? '';
    const url = /https:\/\/alerts\.example\.org\/unsubscribe\?t=[\w.-]+/.exec(raw)?.[0];
    if (!url) throw new Error(`no List-Unsubscribe URL in ${raw}`);
    return url;
  };
  const linkAfter = (text: string, label: string): string => {
    const at = text.indexOf(label);
    const url = /https:\/\/alerts\.example\.org\/\S+/.exec(text.slice(at))?.[0];
    if (at < 0 || !url) throw new Error(`no link after ${label}`);
    return url;
  };

  beforeAll(async () => {
    w = await startAlertsWorld();
    const at = w.clock.now().toISOString();
    await w.rt.ctx.subscribers.subscribe('reader@example.org', ['3608', '360803'], { confirmed: true }, at);
    await w.rt.ctx.subscribers.subscribe('scoped@example.org', ['36', '360803'], { confirmed: true }, at);
    await w.rt.ctx.subscribers.subscribe('later@example.org', ['36'], { confirmed: true }, at);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('puts List-Unsubscribe and List-Unsubscribe-Post: List-Unsubscribe=One-Click on every subscriber mail', async () => {
    const alertId = await raise('360802');
    const m = await mailFor('reader@example.org', alertId);
    expect(m).toBeDefined();
    expect(m!.raw.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headerUrl(m!)).toMatch(/^https:\/\/alerts\.example\.org\/unsubscribe\?t=/);
    // The body names the scope that brought the mail, in words, with its own link, and the manage link.
    expect(m!.text).toContain('江西省 › 吉安市 — 退订此范围');
    expect(m!.text).toContain('管理订阅 / Manage my alerts: https://alerts.example.org/alerts/manage?t=');
    expect(m!.html).toContain('https://alerts.example.org/unsubscribe?t=');
  });

  it('shows the manage page by its signed link, scopes in words; a GET of the unsubscribe link changes nothing', async () => {
    const alertId = await raise('360803');
    const m = (await mailFor('reader@example.org', alertId))!;
    const manage = await w.app.request(pathOf(linkAfter(m.text, 'Manage my alerts')));
    expect(manage.status).toBe(200);
    expect(manage.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await manage.text();
    expect(page).toContain('江西省 › 吉安市');
    expect(page).toContain('江西省 › 吉安市 › 青原区');
    const prompt = await w.app.request(pathOf(headerUrl(m)));
    expect(prompt.status).toBe(200);
    expect(await prompt.text()).toContain('method="post"');
    expect(await w.rt.ctx.subscribers.scopes(emailHash('reader@example.org'))).toEqual(['3608', '360803']);
  });

  it('refuses a forged link with a clear error and changes nothing', async () => {
    const alertId = await raise('360802');
    const url = headerUrl((await mailFor('reader@example.org', alertId))!);
    const token = new URL(url).searchParams.get('t') ?? '';
    const [payload = '', mac = ''] = token.split('.');
    const flip = (t: string, i: number) => `${t.slice(0, i)}${t[i] === 'A' ? 'B' : 'A'}${t.slice(i + 1)}`;
    // Another recipient's claims under the old signature, and a signature altered by one character.
    const forged = `/unsubscribe?t=${flip(payload, 5)}.${mac}`;
    const tampered = `/unsubscribe?t=${payload}.${flip(mac, 10)}`;
    for (const bad of [forged, tampered, 'https://alerts.example.org/unsubscribe?t=nonsense']) {
      const res = await oneClick(bad.startsWith('/') ? bad : pathOf(bad));
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('nothing was changed');
    }
    expect(await w.rt.ctx.subscribers.scopes(emailHash('reader@example.org'))).toEqual(['3608', '360803']);
  });

  it('one-click POST stops the next alert; the replayed link answers 410 and changes nothing', async () => {
    const first = await raise('360802');
    const url = headerUrl((await mailFor('reader@example.org', first))!);
    const res = await oneClick(pathOf(url));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('江西省 › 吉安市');
    expect(await w.rt.ctx.subscribers.scopes(emailHash('reader@example.org'))).toEqual([]);

    const next = await raise('360802');
    expect(await mailFor('reader@example.org', next)).toBeUndefined();
    expect(await mailFor('scoped@example.org', next)).toBeDefined();

    const replay = await oneClick(pathOf(url));
    expect(replay.status).toBe(410);
    expect(await replay.text()).toContain('nothing was changed');
  });

  it('drops one scope with its own link and keeps the others', async () => {
    const alertId = await raise('360803');
    const m = (await mailFor('scoped@example.org', alertId))!;
    const province = linkAfter(m.text, '江西省 — 退订此范围');
    expect((await oneClick(pathOf(province))).status).toBe(200);
    expect(await w.rt.ctx.subscribers.scopes(emailHash('scoped@example.org'))).toEqual(['360803']);
    const again = await oneClick(pathOf(province));
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('nothing was changed');
    const next = await raise('360802');
    expect(await mailFor('scoped@example.org', next)).toBeUndefined();
  });

  it('refuses an expired link with a clear error and changes nothing', async () => {
    const alertId = await raise('360802');
    const url = headerUrl((await mailFor('later@example.org', alertId))!);
    w.clock.advance(181 * 86_400_000);
    const res = await oneClick(pathOf(url));
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('expired');
    expect(await w.rt.ctx.subscribers.scopes(emailHash('later@example.org'))).toEqual(['36']);
  });
});
