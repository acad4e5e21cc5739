import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { redriveAlerts } from '#shared/stages/alert-stage.ts';
import { runSweep } from '#shared/stages/sweep-stage.ts';
import { readMailbox } from '#test/support/mailbox.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';

/*
 * A sweep batch with more admin alerts than the summary threshold raises one `sweep.summary` for them. A
 * run cut short while doing so is finished by the next run — here the next day, after Beijing midnight,
 * when the summary's id (which holds its day) is no longer today's: admins get the summary once and none
 * of the alerts it covers one by one.
 */
const bodies: Body[] = ['110101', '110102', '110105', '110106', '110107'].map((code) => ({
  id: code,
  name: `测试${code}人民政府`,
  level: 'county',
  divisionCode: code,
  parents: [],
  listingUrl: `http://gov-${code}.example.cn/zfxxgk/nb/`,
  render: 'auto',
}));

describe('a sweep cut short while raising its admin summary, run again the next day', () => {
  let dir: string;
  let rt: Runtime;
  let clock: Date;
  let fault: ((command: string, input: string) => boolean) | null;
  let injected: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-summary-crash-'));
    clock = new Date('2026-06-01T04:00:00Z');
    fault = null;
    injected = 0;
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_SWEEP_SUMMARY_THRESHOLD: '2',
      NIANBAO_SWEEP_SUMMARY_LIST: '10',
    });
    rt = await startRuntime({ config, registry: bodies, now: () => clock });
    observeCommands(rt.ctx.repo.db, 'crashAt', (command, input) => {
      if (fault?.(command, JSON.stringify(input))) {
        injected += 1;
        throw new Error(`injected crash at ${command}`);
      }
    });
  });
  afterEach(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Day 1 cut short by the fault, then the redrive; day 2 (after midnight) without it; the mails sent. */
  const crashThenNextDay = async () => {
    await expect(runSweep(rt.ctx)).rejects.toThrow(/injected crash/);
    expect(injected).toBe(1);
    fault = null;
    await redriveAlerts(rt.ctx);
    await rt.settle();
    clock = new Date('2026-06-02T04:00:00Z');
    const second = await runSweep(rt.ctx);
    await redriveAlerts(rt.ctx);
    await rt.settle();
    return { second, mails: await readMailbox(rt.mailDir ?? '') };
  };

  it('after the summary was written, before the alerts it covers were recorded', async () => {
    fault = (command, input) =>
      command === 'BatchWriteItemCommand' && input.includes('ALERT#portal.unreachable/');
    const { second, mails } = await crashThenNextDay();
    const ids = mails.map((m) => m.alertId);
    expect(ids.filter((id) => id.startsWith('sweep.summary/'))).toEqual(['sweep.summary/110101/2026-06-01']);
    expect(ids.filter((id) => id.startsWith('portal.unreachable/'))).toEqual([]);
    expect(second.summary).toMatchObject({
      alertId: 'sweep.summary/110101/2026-06-01',
      summarised: 5,
      raised: false,
    });
    // Every covered alert is recorded now: a third run raises nothing.
    expect((await runSweep(rt.ctx)).newAlerts).toEqual([]);
  });

  it('after it was opened, before the summary itself was written', async () => {
    // The summary's own put (its item's key), not the open record's, which holds the summary inside it.
    fault = (command, input) =>
      command === 'PutItemCommand' && input.includes('"Item":{"pk":"ALERT#sweep.summary/');
    const { second, mails } = await crashThenNextDay();
    const ids = mails.map((m) => m.alertId);
    // Day 1 mailed nothing (the summary was never written); day 2 wrote it and mailed it, once.
    expect(ids.filter((id) => id.startsWith('sweep.summary/'))).toEqual(['sweep.summary/110101/2026-06-01']);
    expect(ids.filter((id) => id.startsWith('portal.unreachable/'))).toEqual([]);
    expect(second.summary).toMatchObject({ summarised: 5, raised: true });
    expect((await runSweep(rt.ctx)).newAlerts).toEqual([]);
  });
});
