import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
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

/** The raw archive (evidence: kept forever, every version) and the one DynamoDB table. */
export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'RawArchive', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
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
