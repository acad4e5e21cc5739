import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TTL_ATTRIBUTE, tableDefinition } from '#shared/store/table.ts';

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

/**
 * Raw archive objects (`raw/<bodyId>/…`: report pages, attachments, listing snapshots) larger than 128 KiB
 * move to S3 Glacier Instant Retrieval `afterDays` after they were written, every version alike. Glacier
 * Instant Retrieval answers GETs in milliseconds like Standard (evidence packages, evidence pages and
 * re-parses read the same objects the same way), at $0.004 per GB-month instead of $0.023, with a $0.03
 * per GB retrieval fee, a 128 KB minimum billed size and a 90-day minimum storage duration (AWS S3
 * pricing). A transition changes the storage class of the same object version: its Object Lock retention
 * and its bytes (its sha256) are unchanged, and lifecycle rules cannot delete a locked version. Objects
 * under 128 KiB stay in Standard (a smaller object would be billed as 128 KB there; text is stored
 * Brotli-compressed, so pages and listing snapshots stay far below, where a transition never pays back:
 * infra/cost/storage-cost.ts archiveLevers); `parsed/` JSON stays in Standard too, as the API reads it on
 * every report page view. 90 days: the season's re-parses (parser fixes while reports arrive) read the raw
 * pages and attachments of that season, free in Standard (30 days would save less than one such re-parse
 * pays in retrieval: archiveLevers).
 */
export const ARCHIVE_TIERING = { prefix: 'raw/', minBytes: 128 * 1024, afterDays: 90 } as const;

/**
 * The table's class: Standard-IA ($0.10 per GB-month instead of $0.25, requests 25% dearer). The check log
 * is append-only evidence kept without a TTL (docs/evidence.md), so storage grows every year while requests
 * do not; infra/cost/model.ts prices both classes and shows which is cheaper.
 */
export const TABLE_CLASS = dynamodb.TableClass.STANDARD_INFREQUENT_ACCESS;

export interface StorageProps {
  /** Years each archived object version is locked (S3 Object Lock, governance mode). */
  retentionYears: number;
}

/**
 * The raw archive (evidence: append-only, every version, locked) and the one DynamoDB table. Object Lock
 * in governance mode means no function and no ordinary user can delete or overwrite an archived page for
 * `retentionYears`; only an operator holding s3:BypassGovernanceRetention can (a court order, a GDPR-like
 * request), and that leaves a CloudTrail record. Lifecycle: ARCHIVE_TIERING below. The table is in the
 * Standard-IA table class (TABLE_CLASS below).
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
      // Objects under 128 KB never move (S3's default since September 2024, stated here so it cannot drift).
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K,
      lifecycleRules: [
        {
          id: 'archive-to-glacier-ir',
          prefix: ARCHIVE_TIERING.prefix,
          objectSizeGreaterThan: ARCHIVE_TIERING.minBytes,
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(ARCHIVE_TIERING.afterDays),
            },
          ],
          noncurrentVersionTransitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(ARCHIVE_TIERING.afterDays),
            },
          ],
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      // The archive is the evidence behind every alert; deleting the stack must not delete it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Validations.of(this.bucket).acknowledge({
      id: 'CloudFormation-Validate::W9003',
      reason:
        'ObjectSizeGreaterThan: CDK writes the number, the CloudFormation schema types it as a string; coerced.',
    });

    // The name is CloudFormation's; the definition contributes only keys and indexes.
    const def = tableDefinition('nianbao');
    this.table = new dynamodb.Table(this, 'Table', {
      ...keysOf(def, def.KeySchema),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      tableClass: TABLE_CLASS,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Only rate-limit windows and admin sessions carry it: nothing else expires.
      timeToLiveAttribute: TTL_ATTRIBUTE,
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
