import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTask, handler as scheduleHandler } from '#functions/schedule/handler.ts';
import { readAwsRegistry } from '#shared/aws/context.ts';
import { decodeRecord, processBatch } from '#shared/aws/sqs-batch.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { AlertMessage, ParseMessage } from '#shared/queue/queue.ts';
import { handleAlert } from '#shared/stages/alert-stage.ts';
import { readMailbox } from '#test/support/mailbox.ts';

const record = (messageId: string, body: string) => ({
  messageId,
  body,
  attributes: { ApproximateReceiveCount: '1' },
});

describe('decodeRecord()', () => {
  it('applies the schema defaults to a valid message', () => {
    expect(decodeRecord('{"type":"parse","bodyId":"360802","rawKey":"raw/a.html"}', ParseMessage)).toEqual({
      ok: true,
      message: { type: 'parse', bodyId: '360802', rawKey: 'raw/a.html', reparse: false, attachmentKeys: [] },
    });
  });

  it('names why a record is not a message', () => {
    expect(decodeRecord('{oops', AlertMessage)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^body is not JSON/),
    });
    expect(decodeRecord('{"type":"crawl","bodyId":"x"}', AlertMessage)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not a valid message: type: .*alertId: /),
    });
  });
});

/**
 * The Lambda handlers are `processBatch(event, schema, stage)` over a context built from the Lambda
 * environment. There is no local Lambda runtime, so these tests run the same mapping over the real
 * stage functions with the embedded runtime's context (dynalite, s3rver, SMTP sink) instead.
 * Each test gets a runtime of its own, on a fresh data dir: none reads what another one left.
 */
describe('processBatch() over the real alert stage', () => {
  const ALERT_ID = 'crawl.failing/360802/2026';
  let dir: string;
  let rt: Runtime;
  const deliver = (event: { Records: ReturnType<typeof record>[] }, lines: string[]) =>
    processBatch(
      event,
      AlertMessage,
      (m) => handleAlert(m, rt.ctx),
      (l) => lines.push(l),
    );

  /** One real admin alert on record, not yet delivered. */
  const recordAdminAlert = () =>
    rt.ctx.repo.recordAlert({
      alertId: ALERT_ID,
      rule: 'crawl.failing',
      bodyId: '360802',
      year: 2026,
      audience: 'admins',
      createdAt: '2026-11-24T00:00:00.000Z',
      finding: {
        rule: 'crawl.failing',
        severity: 'warning',
        message: { zh: '门户连续3次抓取失败', en: 'Portal failed 3 crawls in a row' },
        evidence: [{ quote: 'HTTP 503', where: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/index.html' }],
      },
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-handlers-'));
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2026-11-24',
    });
    rt = await startRuntime({ config, registry: readAwsRegistry(undefined) });
  });
  afterEach(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails only the malformed and the failing records, and says why', async () => {
    // Prepare: one real admin alert, so the good record has something to deliver.
    await recordAdminAlert();
    const event = {
      Records: [
        record('good', `{"type":"alert","alertId":"${ALERT_ID}"}`),
        record('not-json', `alert ${ALERT_ID}`),
        record('wrong-shape', '{"type":"alert"}'),
        record('unknown-alert', '{"type":"alert","alertId":"deadline.missing/360802/1999"}'),
      ],
    };
    const lines: string[] = [];

    // Act
    const response = await deliver(event, lines);

    // Assess
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'not-json' },
        { itemIdentifier: 'wrong-shape' },
        { itemIdentifier: 'unknown-alert' },
      ],
    });
    expect(lines).toEqual([
      `record good done: {"alertId":"${ALERT_ID}","delivered":1,"skipped":0}`,
      expect.stringMatching(/^record not-json \(receive 1\) rejected: body is not JSON/),
      'record wrong-shape (receive 1) rejected: not a valid message: alertId: Invalid input: expected string, received undefined',
      'record unknown-alert (receive 1) failed: alert deadline.missing/360802/1999 not found',
    ]);
  });

  it('redelivery of a delivered alert sends nothing again', async () => {
    // Prepare: the alert on record, delivered once (one e-mail to the admins).
    await recordAdminAlert();
    const first: string[] = [];
    expect(
      await deliver({ Records: [record('first', `{"type":"alert","alertId":"${ALERT_ID}"}`)] }, first),
    ).toEqual({ batchItemFailures: [] });
    expect(first).toEqual([`record first done: {"alertId":"${ALERT_ID}","delivered":1,"skipped":0}`]);
    const lines: string[] = [];

    // Act: SQS delivers the same message again.
    const response = await deliver(
      { Records: [record('again', `{"type":"alert","alertId":"${ALERT_ID}"}`)] },
      lines,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(lines).toEqual([`record again done: {"alertId":"${ALERT_ID}","delivered":0,"skipped":1}`]);
    expect((await readMailbox(rt.mailDir!)).map((m) => m.alertId)).toEqual([ALERT_ID]);
  });

  it('throws on an event that is not an SQS batch: there is no record to blame', async () => {
    await expect(
      processBatch(
        { detail: {} },
        AlertMessage,
        async () => undefined,
        () => undefined,
      ),
    ).rejects.toThrow(/Records/);
  });

  it('runs the sweep task of the schedule handler: never-crawled bodies are unreachable, not missing', async () => {
    const result = await runTask({ task: 'sweep' }, rt.ctx);
    if (result.task !== 'sweep') throw new Error(`expected a sweep result, got ${result.task}`);
    expect({
      ...result,
      newAlerts: result.newAlerts.filter((a) => a.startsWith('deadline.missing/')),
    }).toEqual({
      task: 'sweep',
      rows: readAwsRegistry(undefined).length,
      missing: 0,
      unreachable: readAwsRegistry(undefined).length,
      newAlerts: [],
    });
  });
});

describe('schedule handler', () => {
  it('rejects an event without a known task before touching the environment', async () => {
    await expect(scheduleHandler({ task: 'reparse' })).rejects.toThrow(
      /^schedule event must be \{"task":"crawl"\|"sweep"\}/,
    );
  });
});
