import type { CreateTableCommandInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { FINDINGS_INDEX, FINDINGS_PK, FINDINGS_SK } from './finding-index.ts';

/**
 * One table, pk/sk, and two GSIs (docs/architecture.md, Data): `byScope`, which subscribers cover a scope,
 * and `byFinding`, the newest public findings per province (shared/store/finding-index.ts).
 */
export const SCOPE_INDEX = 'byScope';

/** The findings index as added to a table created before it (UpdateTable's Create takes the same shape). */
export const findingsIndexDefinition: GlobalSecondaryIndex = {
  IndexName: FINDINGS_INDEX,
  KeySchema: [
    { AttributeName: FINDINGS_PK, KeyType: 'HASH' },
    { AttributeName: FINDINGS_SK, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
};

/**
 * The attribute DynamoDB's Time to Live reads (epoch seconds): items that carry it (rate-limit windows,
 * admin sessions) are deleted by DynamoDB some time after it passes; the code never trusts an item past its
 * own expiry either (TTL deletes within days, not at once), and dynalite has no TTL.
 */
export const TTL_ATTRIBUTE = 'ttl';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: FINDINGS_PK, AttributeType: 'S' },
      { AttributeName: FINDINGS_SK, AttributeType: 'S' },
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
      findingsIndexDefinition,
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
  /**
   * A body's unfinished walk. `META#WALK` sorts right after `META`, and every `LINK#` key before it: a crawl
   * reads its links, state and walk in one Query (crawl-state.ts `readCrawlStart`). A walk saved under the
   * former key `WALK` is not read: the listing is read from its first page again, as after a stale walk,
   * and the schedule's due check does not see it (the body is due at its usual interval).
   */
  walk: (bodyId: string) => ({ pk: `BODY#${bodyId}`, sk: 'META#WALK' }),
  check: (bodyId: string, at: string) => ({ pk: `BODY#${bodyId}`, sk: `CHECK#${at}` }),
  subscriber: (emailHash: string) => ({ pk: `SUB#${emailHash}`, sk: 'PROFILE' }),
  subscription: (emailHash: string, scope: string) => ({ pk: `SUB#${emailHash}`, sk: `SCOPE#${scope}` }),
  delivery: (alertId: string, emailHash: string) => ({ pk: `SENT#${alertId}#${emailHash}`, sk: 'SENT' }),
  alert: (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' }),
  /** A sweep batch's summary while it is being raised (open-summary.ts), keyed by the batch's first body. */
  openSummary: (firstBodyId: string) => ({ pk: `SWEEP#${firstBodyId}`, sk: 'OPEN-SUMMARY' }),
  robots: (origin: string) => ({ pk: `ROBOTS#${origin}`, sk: 'ROBOTS' }),
};
