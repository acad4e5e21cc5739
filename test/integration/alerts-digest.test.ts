import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycleTask } from '#shared/stages/cycle-stage.ts';
import { raiseAlert } from '#shared/stages/raise-alert.ts';
import { type AlertsWorld, finding, readSink, startAlertsWorld } from './alerts-support.ts';

describe('daily digest: one a day per subscriber, grouped by jurisdiction and body, never empty', () => {
  let w: AlertsWorld;
  const digests = async () => (await readSink(w.rt.mailDir!)).filter((m) => m.to === 'daily@example.org');
  const raise = async (rule: string, bodyId: string, year: number) => {
    await raiseAlert(w.rt.ctx, {
      alertId: `${rule}/${bodyId}/${year}`,
      audience: 'subscribers',
      finding: finding(rule),
      bodyId,
      year,
    });
    await w.rt.settle();
  };

  beforeAll(async () => {
    w = await startAlertsWorld();
    const at = w.clock.now().toISOString();
    await w.rt.ctx.subscribers.subscribe(
      'daily@example.org',
      ['36'],
      { confirmed: true, digest: 'daily' },
      at,
    );
    await w.rt.ctx.subscribers.subscribe('now@example.org', ['36'], { confirmed: true }, at);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("holds a daily subscriber's alerts for one digest grouped by jurisdiction and body, sent once", async () => {
    await raise('deadline.missing', '360802', 2025);
    await raise('arith.sum', '360802', 2024);
    await raise('deadline.missing', '360803', 2025);
    const now = (await readSink(w.rt.mailDir!)).filter((m) => m.to === 'now@example.org');
    expect(now).toHaveLength(3);
    expect(await digests()).toEqual([]);
    // Before NIANBAO_DIGEST_HOUR (9 by default) on the Beijing day, the digest task sends nothing: the
    // test clock stands at 10:00 Beijing, so step back to 08:59 and forward again.
    w.clock.advance(-61 * 60_000);
    expect(await runCycleTask('digest', w.rt.ctx)).toEqual({ task: 'digest', digests: 0 });
    expect(await digests()).toEqual([]);
    w.clock.advance(61 * 60_000);

    await runCycleTask('digest', w.rt.ctx);
    await runCycleTask('digest', w.rt.ctx);
    const [digest, ...more] = await digests();
    expect(more).toEqual([]);
    expect(digest?.subject).toContain('每日汇总');
    expect(digest?.subject).toContain('3 项发现');
    expect(digest?.raw.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const text = digest?.text ?? '';
    expect(text).toContain('【江西省 › 吉安市】');
    expect(text.indexOf('吉州区人民政府')).toBeLessThan(text.indexOf('青原区人民政府'));
    expect(text.match(/\/evidence\/\S+#q1/g)).toHaveLength(3);
    expect(digest?.html).toContain('<h2>江西省 › 吉安市</h2>');
  });

  it('sends nothing on an empty day, and the next digest holds only what came since', async () => {
    w.clock.advance(24 * 3_600_000);
    await runCycleTask('digest', w.rt.ctx);
    expect(await digests()).toHaveLength(1);

    await raise('arith.percent', '360803', 2024);
    await runCycleTask('digest', w.rt.ctx);
    const all = await digests();
    expect(all).toHaveLength(2);
    const last = all.find((m) => m.subject.includes('1 项发现'));
    expect(last?.text).toContain('青原区人民政府');
    expect(last?.text).not.toContain('吉州区人民政府');
  });
});
