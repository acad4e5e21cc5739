import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './dynamo.ts';
import {
  FINDINGS_INDEX,
  FINDINGS_INDEX_VERSION,
  FINDINGS_PK,
  FINDINGS_SK,
  findingIndexKeys,
  findingsIndexMarkerKey,
} from './finding-index.ts';
import type { Repository } from './repository.ts';

export interface BackfillResult {
  /** Report and alert items read. */
  scanned: number;
  /** Items given their index keys now (the others had them already or hold no public finding). */
  indexed: number;
}

/**
 * Gives every report and public sweep alert item of the table its findings-index keys, then writes the
 * marker that lets the read model use the index (finding-index.ts). Idempotent and resumable: an item that
 * already carries the right keys is not written, so running it again after an interruption only reads.
 * It never removes keys (the store's writes do when a report loses its findings); an item written while it
 * runs is indexed by its own write. One Scan (every page) of the table; one UpdateItem per item indexed.
 * `onPage` is told the running totals after each page. Throws when the table has no findings index yet, or
 * one still being built (the marker would send the read model to an index it cannot query).
 */
export async function reindexFindings(
  repo: Repository,
  now: () => Date,
  onPage: (progress: BackfillResult) => void = () => undefined,
): Promise<BackfillResult> {
  const table = await repo.db.send(new DescribeTableCommand({ TableName: repo.table }));
  const index = (table.Table?.GlobalSecondaryIndexes ?? []).find((g) => g.IndexName === FINDINGS_INDEX);
  if (!index) {
    throw new Error(
      `table ${repo.table} has no ${FINDINGS_INDEX} index yet: deploy the stack (AWS) or start nianbao once on its data folder, then run this again`,
    );
  }
  if (index.IndexStatus && index.IndexStatus !== 'ACTIVE') {
    throw new Error(
      `the ${FINDINGS_INDEX} index of table ${repo.table} is ${index.IndexStatus}: run this again once it is ACTIVE`,
    );
  }
  const progress: BackfillResult = { scanned: 0, indexed: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await repo.db.send(
      new ScanCommand({
        TableName: repo.table,
        FilterExpression: 'begins_with(sk, :report) OR sk = :alert',
        ExpressionAttributeValues: { ':report': 'REPORT#', ':alert': 'ALERT' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      progress.scanned += 1;
      const index = findingIndexKeys(item);
      if (!index) continue;
      if (item[FINDINGS_PK] === index[FINDINGS_PK] && item[FINDINGS_SK] === index[FINDINGS_SK]) continue;
      // The key's time is the alert's creation (never changes) or the report's findings' time (its first
      // sighting, or when it last gained a finding): written only if that is still what the item says.
      const report = String(item.sk).startsWith('REPORT#');
      const time = report ? 'firstSeen' : 'createdAt';
      const gainedAt = report && typeof item.findingsAt === 'string' ? item.findingsAt : undefined;
      try {
        await repo.db.send(
          new UpdateCommand({
            TableName: repo.table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: `SET ${FINDINGS_PK} = :ipk, ${FINDINGS_SK} = :isk`,
            ConditionExpression: report
              ? `#t = :t AND ${gainedAt === undefined ? 'attribute_not_exists(findingsAt)' : 'findingsAt = :fa'}`
              : '#t = :t',
            ExpressionAttributeNames: { '#t': time },
            ExpressionAttributeValues: {
              ':ipk': index[FINDINGS_PK],
              ':isk': index[FINDINGS_SK],
              ':t': item[time],
              ...(gainedAt === undefined ? {} : { ':fa': gainedAt }),
            },
          }),
        );
        progress.indexed += 1;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
    onPage({ ...progress });
    start = page.LastEvaluatedKey;
  } while (start);
  await repo.db.send(
    new PutCommand({
      TableName: repo.table,
      Item: {
        ...findingsIndexMarkerKey,
        version: FINDINGS_INDEX_VERSION,
        complete: true,
        at: now().toISOString(),
      },
    }),
  );
  return progress;
}

/** Whether the marker says every item carries its findings-index keys in the current layout. */
export async function findingsIndexComplete(repo: Repository): Promise<boolean> {
  const res = await repo.db.send(
    new GetCommand({ TableName: repo.table, Key: findingsIndexMarkerKey, ConsistentRead: true }),
  );
  return res.Item?.complete === true && res.Item.version === FINDINGS_INDEX_VERSION;
}
