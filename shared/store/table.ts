import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** One table, pk/sk, and one GSI for "which subscribers cover this scope" (docs/architecture.md, Data). */
export const SCOPE_INDEX = 'byScope';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: SCOPE_INDEX,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

export const keys = {
  body: (bodyId: string) => ({ pk: `BODY#${bodyId}`, sk: 'META' }),
  report: (bodyId: string, year: number) => ({ pk: `BODY#${bodyId}`, sk: `REPORT#${year}` }),
  revision: (bodyId: string, year: number, firstSeen: string, sha256: string) => ({
    pk: `BODY#${bodyId}`,
    sk: `REPORT#${year}#REV#${firstSeen}#${sha256.slice(0, 12)}`,
  }),
  /** A report candidate as one body saw it: a page listed by two bodies is a candidate for both. */
  link: (bodyId: string, urlHash: string) => ({ pk: `BODY#${bodyId}`, sk: `LINK#${urlHash}` }),
  walk: (bodyId: string) => ({ pk: `BODY#${bodyId}`, sk: 'WALK' }),
  check: (bodyId: string, at: string) => ({ pk: `BODY#${bodyId}`, sk: `CHECK#${at}` }),
  subscriber: (emailHash: string) => ({ pk: `SUB#${emailHash}`, sk: 'PROFILE' }),
  subscription: (emailHash: string, scope: string) => ({ pk: `SUB#${emailHash}`, sk: `SCOPE#${scope}` }),
  delivery: (alertId: string, emailHash: string) => ({ pk: `SENT#${alertId}#${emailHash}`, sk: 'SENT' }),
  alert: (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' }),
  robots: (origin: string) => ({ pk: `ROBOTS#${origin}`, sk: 'ROBOTS' }),
};
