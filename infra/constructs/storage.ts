import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tableDefinition } from '#shared/store/table.ts';

const ATTRIBUTE_TYPES = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
} as const;

interface KeyPair {
  partitionKey: dynamodb.Attribute;
  sortKey?: dynamodb.Attribute;
}

/**
 * The CDK keys of a table definition. The embedded runtime creates its table from the same
 * `tableDefinition`, so dynalite and DynamoDB cannot drift apart.
 */
export function keysOf(
  def: CreateTableCommandInput,
  schema: readonly KeySchemaElement[] | undefined,
): KeyPair {
  const attribute = (role: 'HASH' | 'RANGE'): dynamodb.Attribute | undefined => {
    const name = schema?.find((k) => k.KeyType === role)?.AttributeName;
    if (!name) return undefined;
    const type = def.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
    if (!type) throw new Error(`table definition: attribute ${name} has no AttributeDefinition`);
    return { name, type: ATTRIBUTE_TYPES[type] };
  };
  const partitionKey = attribute('HASH');
  if (!partitionKey) throw new Error('table definition: key schema has no HASH key');
  const sortKey = attribute('RANGE');
  return sortKey ? { partitionKey, sortKey } : { partitionKey };
}

export interface StorageProps {
  /** Years each archived object version is locked (S3 Object Lock, governance mode). */
  retentionYears: number;
}

/**
 * The raw archive (evidence: append-only, every version, locked) and the one DynamoDB table. Object Lock
 * in governance mode means no function and no ordinary user can delete or overwrite an archived page for
 * `retentionYears`; only an operator holding s3:BypassGovernanceRetention can (a court order, a GDPR-like
 * request), and that leaves a CloudTrail record. Lifecycle: Intelligent-Tiering after 30 days (pages are
 * read again only by re-parses and evidence pages, so most sink to the infrequent tiers).
 */
export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself: logging it to itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'RawArchive', {
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(
        Duration.days(365 * props.retentionYears),
      ),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // @ts-expect-error CDK's IBucket declares `isWebsite?: boolean`, which exactOptionalPropertyTypes rejects for a Bucket.
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'raw-archive/',
      lifecycleRules: [
        {
          id: 'tier-down',
          transitions: [
            { storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) },
          ],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      // The archive is the evidence behind every alert; deleting the stack must not delete it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The name is CloudFormation's; the definition contributes only keys and indexes.
    const def = tableDefinition('nianbao');
    this.table = new dynamodb.Table(this, 'Table', {
      ...keysOf(def, def.KeySchema),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of def.GlobalSecondaryIndexes ?? []) {
      if (!gsi.IndexName) throw new Error('table definition: a GSI has no name');
      if (gsi.Projection?.ProjectionType !== 'ALL') {
        throw new Error(
          `table definition: GSI ${gsi.IndexName} must project ALL (the only kind mapped here)`,
        );
      }
      this.table.addGlobalSecondaryIndex({ indexName: gsi.IndexName, ...keysOf(def, gsi.KeySchema) });
    }
  }
}
