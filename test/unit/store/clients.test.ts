import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeDocumentClient, makeS3Client } from '#shared/store/clients.ts';

/** The access key a client signs with: fixed stand-in credentials or the default chain (here: the env). */
async function keyOf(client: { config: { credentials: () => Promise<{ accessKeyId: string }> } }) {
  return (await client.config.credentials()).accessKeyId;
}

describe('makeDocumentClient() / makeS3Client()', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('signs with fixed credentials only for stand-ins: loopback endpoints or ones the embedded runtime started', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFROMTHECHAIN');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const region = 'eu-west-1';

    const keys = {
      vpcEndpoint: await keyOf(
        makeDocumentClient({
          region,
          dynamodbEndpoint: 'https://vpce-0abc.dynamodb.eu-west-1.vpce.amazonaws.com',
        }),
      ),
      s3Fips: await keyOf(makeS3Client({ region, s3Endpoint: 'https://s3-fips.eu-west-1.amazonaws.com' })),
      noEndpoint: await keyOf(makeDocumentClient({ region })),
      loopback4: await keyOf(makeDocumentClient({ region, dynamodbEndpoint: 'http://127.0.0.1:4567' })),
      loopback6: await keyOf(makeS3Client({ region, s3Endpoint: 'http://[::1]:4568' })),
      localhost: await keyOf(makeS3Client({ region, s3Endpoint: 'http://localhost:4568' })),
      startedHere: await keyOf(
        makeDocumentClient({
          region,
          dynamodbEndpoint: 'http://stores.internal:4567',
          standIns: { dynamodb: true },
        }),
      ),
    };

    expect(keys).toEqual({
      vpcEndpoint: 'AKIAFROMTHECHAIN',
      s3Fips: 'AKIAFROMTHECHAIN',
      noEndpoint: 'AKIAFROMTHECHAIN',
      loopback4: 'S3RVER',
      loopback6: 'S3RVER',
      localhost: 'S3RVER',
      startedHere: 'S3RVER',
    });
  });
});
