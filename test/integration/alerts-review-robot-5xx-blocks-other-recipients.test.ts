import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRobot, robotLabel } from '#shared/channels/robot.ts';
import { handleAlert } from '#shared/stages/alert-stage.ts';
import { type AlertsWorld, finding, readSink, startAlertsWorld } from './alerts-support.ts';

/**
 * handleAlert walks the recipients in order and THROWS on a robot's passing failure (RobotPassingError:
 * 5xx, timeout, connection refused), so every recipient after that robot is never reached, on any retry or
 * redrive, for as long as the robot keeps failing. Recipients come `*` scope first (scopesCovering), so a
 * stranger who subscribes a webhook he controls to `*` (he receives, and so can confirm, the double opt-in
 * post) and then answers 500 silences the alerts of every subscriber listed after him. A passing failure is
 * never suppressed and the admins are never told.
 */
describe("a webhook answering 500 must not hold back other subscribers' alerts", () => {
  let w: AlertsWorld;
  let hook: Server;
  let origin = '';
  let hits = 0;
  const HOOK_SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      hits += 1;
      req.resume();
      req.on('end', () => {
        res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
    w = await startAlertsWorld({ NIANBAO_ALLOW_PRIVATE_ORIGINS: origin }, { stages: [] });
    const at = w.clock.now().toISOString();
    // The victim: a journalist subscribed to her county by mail.
    await w.rt.ctx.subscribers.subscribe('journalist@example.org', ['360802'], { confirmed: true }, at);
    // The attacker's webhook, confirmed by himself (he receives the confirmation post), scope `*`.
    const parsed = parseRobot(
      { channel: 'webhook', url: `${origin}/hook`, secret: HOOK_SECRET },
      (o) => o === origin,
    );
    if (!parsed.ok) throw new Error(parsed.error);
    await w.rt.ctx.subscribers.subscribe(
      robotLabel(parsed.robot),
      ['*'],
      { confirmed: true, robot: parsed.robot },
      at,
    );
    await w.rt.ctx.repo.recordAlert({
      alertId: 'deadline.missing/360802/2025',
      rule: 'deadline.missing',
      bodyId: '360802',
      year: 2025,
      audience: 'subscribers',
      createdAt: at,
      finding: finding('deadline.missing'),
    });
  });
  afterAll(async () => {
    await w?.close();
    await new Promise((r) => hook?.close(r));
  });

  it('the journalist gets the alert although the webhook fails every time', async () => {
    const errors: string[] = [];
    // The queue's retries and a few days of redrives.
    for (let i = 0; i < 6; i++) {
      await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/2025' }, w.rt.ctx).catch((e) =>
        errors.push(String(e)),
      );
      w.clock.advance(6 * 3_600_000);
    }
    const mails = (await readSink(w.rt.mailDir!)).filter((m) => m.to === 'journalist@example.org');
    expect({ hookPosts: hits, errors: errors.length, journalistMails: mails.length }).toEqual({
      hookPosts: hits,
      errors: errors.length,
      journalistMails: 1,
    });
  });
});
