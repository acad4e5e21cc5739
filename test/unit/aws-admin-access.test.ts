import { describe, expect, it } from 'vitest';
import { awsAdminOptions, deadLetterSources } from '#shared/aws/admin-access.ts';
import type { Config } from '#shared/config.ts';

const config = (values: Partial<Config>): Config =>
  ({ AWS_REGION: 'eu-west-1', NIANBAO_BUCKET: 'archive', ...values }) as Config;

describe('the admin API options of the API function in Lambda', () => {
  it('shows the dead letters of the queues the function is given, in the admin page order', () => {
    const given = config({
      NIANBAO_CYCLE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/cycle',
      NIANBAO_CRAWL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bodies.fifo',
    });
    expect(deadLetterSources(given)).toEqual([
      { role: 'crawl', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bodies.fifo' },
      { role: 'cycle', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/cycle' },
    ]);
  });

  it('writes the registry only when it is read from S3, and has no dead letters without queues', () => {
    const bundled = awsAdminOptions(config({}), new Map());
    expect(bundled).toEqual({});
    const fromS3 = awsAdminOptions(config({ NIANBAO_REGISTRY_S3_KEY: 'registry/bodies.json' }), new Map());
    expect(Object.keys(fromS3)).toEqual(['registry']);
  });
});
