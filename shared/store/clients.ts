import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Endpoints {
  region: string;
  dynamodbEndpoint?: string | undefined;
  s3Endpoint?: string | undefined;
}

/** Embedded stand-ins accept any credentials; real AWS uses the default provider chain. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function makeDocumentClient(e: Endpoints): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: e.region,
    ...(e.dynamodbEndpoint ? { endpoint: e.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function makeS3Client(e: Endpoints): S3Client {
  return new S3Client({
    region: e.region,
    ...(e.s3Endpoint
      ? {
          endpoint: e.s3Endpoint,
          credentials: LOCAL_CREDENTIALS,
          forcePathStyle: true,
          // s3rver does not implement the SDK's default CRC checksums.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
}
