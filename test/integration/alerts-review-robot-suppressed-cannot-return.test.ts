import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRobot, robotLabel } from '#shared/channels/robot.ts';
import { handleAlert } from '#shared/stages/alert-stage.ts';
import { emailHash } from '#shared/store/subscribers.ts';
import { RobotReceivers } from '../support/robot-receivers.ts';
import { type AlertsWorld, finding, startAlertsWorld, TestClock } from './alerts-support.ts';

const DING_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OLD_SECRET = 'SECf0e1d2c3b4a5968778695a4b3c2d1e0f';
const NEW_SECRET = 'SEC00112233445566778899aabbccddeeff';

/**
 * The group admin of a 钉钉 robot rotates its 加签 secret: our next post is refused with 310000 (sign), the
 * robot is suppressed and the admins read "its subscription is suppressed until it subscribes again"
 * (deliver.ts). But nothing ever clears `suppressed`: POST /subscriptions answers 202 and posts nothing
 * for a suppressed robot (subscribe.ts), and the operator's `nianbao subscribe --channel dingtalk … --secret
 * NEW` (Subscribers.subscribe on an existing profile) stores the new secret, prints "subscribed", and leaves
 * it suppressed. The group never gets another alert, silently.
 */
describe('a robot suppressed once can subscribe again', () => {
  let w: AlertsWorld;
  let rx: RobotReceivers;
  const clock = new TestClock();
  const url = `https://oapi.dingtalk.com/robot/send?access_token=${DING_TOKEN}`;
  const record = (alertId: string, year: number) =>
    w.rt.ctx.repo.recordAlert({
      alertId,
      rule: 'deadline.missing',
      bodyId: '360802',
      year,
      audience: 'subscribers',
      createdAt: clock.now().toISOString(),
      finding: finding('deadline.missing'),
    });
  const operatorSubscribes = async (secret: string) => {
    const parsed = parseRobot({ channel: 'dingtalk', url, secret });
    if (!parsed.ok) throw new Error(parsed.error);
    await w.rt.ctx.subscribers.subscribe(
      robotLabel(parsed.robot),
      ['360802'],
      { confirmed: true, robot: parsed.robot },
      clock.now().toISOString(),
    );
    return robotLabel(parsed.robot);
  };

  beforeAll(async () => {
    rx = new RobotReceivers(() => clock.now().getTime());
    rx.addDingtalk(DING_TOKEN, NEW_SECRET); // the secret was rotated on the platform
    await rx.start();
    w = await startAlertsWorld(
      { NIANBAO_DINGTALK_URL: rx.origin, NIANBAO_ALLOW_PRIVATE_ORIGINS: rx.origin },
      { stages: [], now: clock.now },
    );
    w.clock = clock;
  });
  afterAll(async () => {
    await w?.close();
    await rx?.close();
  });

  it('after the operator re-subscribes it with the new secret, the next alert is posted', async () => {
    const label = await operatorSubscribes(OLD_SECRET);
    await record('deadline.missing/360802/2024', 2024);
    const first = await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/2024' }, w.rt.ctx);
    expect(first.refused).toBe(1); // 310000: suppressed
    expect((await w.rt.ctx.subscribers.get(emailHash(label)))?.suppressed).toBe(true);

    await operatorSubscribes(NEW_SECRET); // `nianbao subscribe --channel dingtalk <url> 360802 --secret NEW`
    clock.advance(60_000);
    await record('deadline.missing/360802/2025', 2025);
    await handleAlert({ type: 'alert', alertId: 'deadline.missing/360802/2025' }, w.rt.ctx);
    expect({
      suppressed: (await w.rt.ctx.subscribers.get(emailHash(label)))?.suppressed,
      posted: rx.accepted.length,
    }).toEqual({ suppressed: false, posted: 1 });
  });
});
