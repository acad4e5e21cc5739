import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRobot, robotLabel } from '#shared/channels/robot.ts';
import { keys } from '#shared/store/table.ts';
import { RobotReceivers } from '../support/robot-receivers.ts';
import { type AlertsWorld, finding, startAlertsWorld, TestClock } from './alerts-support.ts';

const DING_TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const DING_SECRET = 'SEC0123456789abcdef0123456789abcdef';
const YEARS = Array.from({ length: 25 }, (_, i) => 1990 + i);

/**
 * A robot's per-minute limit must not turn a burst of alerts (a deadline day, a robot subscribed to a
 * whole jurisdiction) into weeks of waiting for the daily redrive: the alert consumer sends a held-back
 * alert again a little later (SQS DelaySeconds; the local queue alike), and the claims keep every post to
 * one. Runs the real alert consumer of the embedded runtime against a loopback 钉钉 that checks signatures
 * and answers its own over-limit error.
 */
describe('robot posts held back by the per-minute limit are sent again later, each once', () => {
  let w: AlertsWorld | undefined;
  let rx: RobotReceivers | undefined;
  afterEach(async () => {
    await w?.close();
    await rx?.close();
    w = undefined;
    rx = undefined;
  });

  async function world(env: Record<string, string>) {
    const clock = new TestClock();
    rx = new RobotReceivers(() => clock.now().getTime());
    rx.addDingtalk(DING_TOKEN, DING_SECRET);
    await rx.start();
    const origin = rx.origin;
    w = await startAlertsWorld(
      { NIANBAO_DINGTALK_URL: origin, NIANBAO_ALLOW_PRIVATE_ORIGINS: origin, ...env },
      { stages: ['alert'], now: clock.now },
    );
    w.clock = clock;
    const parsed = parseRobot(
      {
        channel: 'dingtalk',
        url: `https://oapi.dingtalk.com/robot/send?access_token=${DING_TOKEN}`,
        secret: DING_SECRET,
      },
      (o) => o === origin,
    );
    if (!parsed.ok) throw new Error(parsed.error);
    await w.rt.ctx.subscribers.subscribe(
      robotLabel(parsed.robot),
      ['360802'],
      { confirmed: true, robot: parsed.robot },
      clock.now().toISOString(),
    );
    for (const year of YEARS) {
      const alertId = `deadline.missing/360802/${year}`;
      await w.rt.ctx.repo.recordAlert({
        alertId,
        rule: 'deadline.missing',
        bodyId: '360802',
        year,
        audience: 'subscribers',
        createdAt: clock.now().toISOString(),
        finding: finding('deadline.missing'),
      });
    }
    return { w, rx, clock };
  }

  /** The alert item's deliveredAt (set once every recipient has it), read raw from the table. */
  const deliveredAt = async (w: AlertsWorld, year: number): Promise<unknown> =>
    (
      await w.rt.ctx.repo.db.send(
        new GetCommand({
          TableName: w.rt.ctx.repo.table,
          Key: keys.alert(`deadline.missing/360802/${year}`),
        }),
      )
    ).Item?.deliveredAt;

  const postedYears = (r: RobotReceivers) =>
    r
      .for(DING_TOKEN)
      .map((p) => /Report year:(\d{4})/.exec(p.text)?.[1])
      .sort();

  it('25 alerts at once: 20 within the minute, the other 5 after it by the re-queue, no redrive, none twice', async () => {
    const { w, rx, clock } = await world({
      NIANBAO_ROBOT_REQUEUE_DELAY_S: '1',
      NIANBAO_ROBOT_REQUEUE_MAX: '10000',
    });
    for (const year of YEARS)
      await w.rt.ctx.alertQueue.send({ type: 'alert', alertId: `deadline.missing/360802/${year}` });
    // The first minute's 20 arrive; the rest are held back and sent again every second.
    while (rx.for(DING_TOKEN).length < 20) await new Promise((r) => setTimeout(r, 50));
    expect(rx.for(DING_TOKEN)).toHaveLength(20);
    // The minute passes (the limit windows and the platform both read this clock).
    clock.advance(61_000);
    await w.rt.settle();
    expect(postedYears(rx)).toEqual(YEARS.map(String));
    expect(rx.refusals.filter((r) => r.robot === DING_TOKEN)).toEqual([]);
    for (const year of YEARS) expect(await deliveredAt(w, year)).toEqual(expect.any(String));
  });

  it('a limit that never frees ends the re-queues after the configured count: the 5 wait for the redrive, nothing lost', async () => {
    const { w, rx } = await world({ NIANBAO_ROBOT_REQUEUE_DELAY_S: '1', NIANBAO_ROBOT_REQUEUE_MAX: '2' });
    for (const year of YEARS)
      await w.rt.ctx.alertQueue.send({ type: 'alert', alertId: `deadline.missing/360802/${year}` });
    // The clock never moves: each held alert is tried 1 + 2 times, then the queue is empty.
    await w.rt.settle();
    expect(rx.for(DING_TOKEN)).toHaveLength(20);
    const undelivered = [];
    for (const year of YEARS) if (!(await deliveredAt(w, year))) undelivered.push(year);
    expect(undelivered).toHaveLength(5);
  });
});
