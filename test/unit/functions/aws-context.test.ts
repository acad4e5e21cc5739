import { describe, expect, it } from 'vitest';
import { buildAwsContextFrom, readAwsRegistry } from '#shared/aws/context.ts';
import { secretReader } from '#shared/aws/secrets.ts';
import { loadConfig } from '#shared/config.ts';
import { ConfigError } from '#shared/errors.ts';

/** What infra/constructs/function.ts sets on every function, plus one queue. */
const ENV = {
  AWS_REGION: 'cn-north-1',
  NIANBAO_TABLE: 'nianbao',
  NIANBAO_BUCKET: 'nianbao-raw',
  NIANBAO_PARSE_QUEUE_URL: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/parse',
  NIANBAO_MAIL_FROM: 'nianbao-watch <alerts@example.org>',
  NIANBAO_ADMIN_EMAIL: 'admin@example.org',
  NIANBAO_MAIL_TRANSPORT: 'smtp',
  NIANBAO_SMTP_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:smtp-AbCdEf',
};

describe('loadConfig(env, { runtime: "aws" })', () => {
  it('fails fast, naming every missing or invalid variable, with no silent local default', () => {
    const attempt = () =>
      loadConfig(
        { AWS_REGION: 'cn-north-1', NIANBAO_CRAWL_QUEUE_URL: 'x', NIANBAO_MAIL_TRANSPORT: 'smtp' },
        { runtime: 'aws' },
      );
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      [
        'invalid configuration:',
        '  NIANBAO_CRAWL_QUEUE_URL: Invalid URL',
        '  NIANBAO_TABLE: required in AWS',
        '  NIANBAO_BUCKET: required in AWS',
        '  NIANBAO_MAIL_FROM: required in AWS',
        '  NIANBAO_ADMIN_EMAIL: required in AWS',
      ].join('\n'),
    );
  });

  it('wants an SMTP secret (or URL) when the transport is SMTP', () => {
    const { NIANBAO_SMTP_SECRET_ARN: _, ...noSecret } = ENV;
    expect(() => loadConfig(noSecret, { runtime: 'aws' })).toThrow(
      'NIANBAO_SMTP_SECRET_ARN: required in AWS when NIANBAO_MAIL_TRANSPORT=smtp',
    );
  });

  it('fills the tunables with the same defaults as the embedded runtime', () => {
    const aws = loadConfig(ENV, { runtime: 'aws' });
    const local = loadConfig({});
    const tunables = (c: typeof aws) => ({
      host: c.NIANBAO_HOST_DELAY_MS,
      concurrency: c.NIANBAO_CONCURRENCY,
      timeout: c.NIANBAO_FETCH_TIMEOUT_MS,
      recheck: c.NIANBAO_REPORT_RECHECK_DAYS,
      season: [c.NIANBAO_SEASON_DAYS, c.NIANBAO_OFF_SEASON_DAYS],
      failures: c.NIANBAO_FAILURES_BEFORE_ADMIN_ALERT,
      batch: c.NIANBAO_CYCLE_BATCH,
    });
    expect(tunables(aws)).toEqual(tunables(local));
    expect(tunables(aws)).toEqual({
      host: 1000,
      concurrency: 8,
      timeout: 20_000,
      recheck: 7,
      season: [1, 7],
      failures: 3,
      batch: 200,
    });
  });
});

describe('readAwsRegistry()', () => {
  it('validates the registry bundled with the function', () => {
    expect(readAwsRegistry(undefined).map((b) => b.id)).toEqual(
      expect.arrayContaining(['360802', '620421-rsj', '2112']),
    );
  });

  it('refuses a registry file it cannot read', () => {
    expect(() => readAwsRegistry('/nonexistent/bodies.json')).toThrow(/cannot read registry/);
  });
});

describe('buildAwsContextFrom()', () => {
  const config = loadConfig(
    {
      ...ENV,
      NIANBAO_TODAY: '2026-03-31',
      NIANBAO_REPORT_RECHECK_DAYS: '3',
      NIANBAO_OFF_SEASON_DAYS: '14',
    },
    { runtime: 'aws' },
  );
  const ctx = buildAwsContextFrom(config, readAwsRegistry(undefined));

  it('builds the context from the environment alone, every setting honoured', () => {
    expect({
      bodies: ctx.registry.size,
      archiveBase: ctx.archiveBase,
      mailFrom: ctx.mailFrom,
      adminEmail: ctx.adminEmail,
      today: ctx.today(),
      reportRecheckMs: ctx.reportRecheckMs,
      schedulePolicy: ctx.schedulePolicy,
      cycleQueue: ctx.cycleQueue,
    }).toEqual({
      bodies: readAwsRegistry(undefined).length,
      archiveBase: 's3://nianbao-raw',
      mailFrom: ENV.NIANBAO_MAIL_FROM,
      adminEmail: ENV.NIANBAO_ADMIN_EMAIL,
      today: '2026-03-31',
      reportRecheckMs: 3 * 86_400_000,
      schedulePolicy: { seasonDays: 1, offSeasonDays: 14 },
      cycleQueue: undefined,
    });
  });

  it('refuses to send to a queue the function was not bound to, naming the variable', async () => {
    await expect(ctx.crawlQueue.send({ type: 'crawl', bodyId: '360802', reason: 'manual' })).rejects.toThrow(
      'NIANBAO_CRAWL_QUEUE_URL is not set: this function may not send there',
    );
  });
});

describe('secretReader()', () => {
  it('reads at run time, reuses the value for its TTL, and picks up a rotated value after it', async () => {
    let clock = 0;
    let value = 'first-token-0123456789';
    const reads: string[] = [];
    const read = secretReader('arn:aws:secretsmanager:eu-west-1:1:secret:t', {
      region: 'eu-west-1',
      ttlMs: 1000,
      now: () => clock,
      fetch: async (arn) => {
        reads.push(arn);
        return value;
      },
    });
    const first = [await read(), await read()];
    value = 'rotated-token-0123456789';
    clock = 999;
    const beforeExpiry = await read();
    clock = 1000;
    const afterExpiry = await read();
    expect({ first, beforeExpiry, afterExpiry, reads: reads.length }).toEqual({
      first: ['first-token-0123456789', 'first-token-0123456789'],
      beforeExpiry: 'first-token-0123456789',
      afterExpiry: 'rotated-token-0123456789',
      reads: 2,
    });
  });
});
