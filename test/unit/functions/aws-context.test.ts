import { describe, expect, it } from 'vitest';
import { buildAwsContextFrom, parseAwsEnv, readAwsRegistry } from '#shared/aws/context.ts';
import { ConfigError } from '#shared/errors.ts';

const ENV = {
  AWS_REGION: 'cn-north-1',
  TABLE_NAME: 'nianbao',
  BUCKET_NAME: 'nianbao-raw',
  PARSE_QUEUE_URL: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/parse',
  MAIL_FROM: 'nianbao-watch <alerts@example.org>',
  ADMIN_EMAIL: 'admin@example.org',
};

describe('parseAwsEnv()', () => {
  it('fails fast, naming every missing or invalid variable', () => {
    const attempt = () =>
      parseAwsEnv({ AWS_REGION: 'cn-north-1', ADMIN_EMAIL: 'nobody', CRAWL_QUEUE_URL: 'x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /TABLE_NAME: .*\n.*BUCKET_NAME: .*\n.*CRAWL_QUEUE_URL: .*\n.*MAIL_FROM: .*\n.*ADMIN_EMAIL: /,
    );
  });

  it('fills the tunables with their defaults', () => {
    expect(parseAwsEnv(ENV)).toEqual({
      ...ENV,
      USER_AGENT: expect.stringMatching(/^nianbao-watch\//),
      HOST_DELAY_MS: 1000,
      FETCH_TIMEOUT_MS: 20_000,
      FAILURES_BEFORE_ADMIN_ALERT: 3,
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
  const ctx = buildAwsContextFrom(
    { ...parseAwsEnv({ ...ENV, TODAY: '2026-03-31' }) },
    readAwsRegistry(undefined),
  );

  it('builds the context from the environment alone', () => {
    expect({
      bodies: ctx.registry.size,
      archiveBase: ctx.archiveBase,
      mailFrom: ctx.mailFrom,
      adminEmail: ctx.adminEmail,
      today: ctx.today(),
    }).toEqual({
      bodies: readAwsRegistry(undefined).length,
      archiveBase: 's3://nianbao-raw',
      mailFrom: ENV.MAIL_FROM,
      adminEmail: ENV.ADMIN_EMAIL,
      today: '2026-03-31',
    });
  });

  it('refuses to send to a queue the function was not bound to, naming the variable', async () => {
    await expect(ctx.crawlQueue.send({ type: 'crawl', bodyId: '360802', reason: 'manual' })).rejects.toThrow(
      'CRAWL_QUEUE_URL is not set: this function may not send there',
    );
  });
});
