import { paginateQuery } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Repository } from './repository.ts';

/**
 * Every item of one partition (optionally those whose sort key begins with `skPrefix`), following
 * pagination: a Query returns at most 1 MB a page, and a body with years of reports, links and checks
 * passes that. Consistent reads, in sort-key order.
 */
export async function queryAll(
  repo: Repository,
  pk: string,
  skPrefix?: string,
): Promise<Array<Record<string, unknown>>> {
  return skPrefix
    ? queryPages(repo, 'pk = :pk AND begins_with(sk, :sk)', { ':pk': pk, ':sk': skPrefix })
    : queryPages(repo, 'pk = :pk', { ':pk': pk });
}

/**
 * Every item of one partition whose sort key is between `low` and `high` (both included: DynamoDB's
 * `BETWEEN`, byte order), following pagination; consistent reads, in sort-key order.
 */
export async function queryBetween(
  repo: Repository,
  pk: string,
  low: string,
  high: string,
): Promise<Array<Record<string, unknown>>> {
  return queryPages(repo, 'pk = :pk AND sk BETWEEN :low AND :high', {
    ':pk': pk,
    ':low': low,
    ':high': high,
  });
}

/**
 * One Query's every page (the SDK's paginator follows LastEvaluatedKey, one call a page), consistent reads,
 * through the repository's low-level client (cached handlers): the values marshalled and the items
 * unmarshalled by util-dynamodb, as the document client does it.
 */
async function queryPages(
  repo: Repository,
  keyCondition: string,
  values: Record<string, string>,
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const page of paginateQuery(
    { client: repo.lowLevel },
    {
      TableName: repo.table,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeValues: marshall(values),
      ConsistentRead: true,
    },
  ))
    for (const item of page.Items ?? []) out.push(unmarshall(item));
  return out;
}

/**
 * Every item of the table that `filter` keeps (a Scan with a FilterExpression and its `values`), following
 * pagination, consistent reads. A Scan reads, and is charged for, the whole table whatever the filter: only
 * for one-time work (pending.ts marking an older table), never on a daily or request path.
 */
export async function scanAll(
  repo: Repository,
  filter: string,
  values: Record<string, unknown>,
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const page of paginateScan(
    { client: repo.db },
    {
      TableName: repo.table,
      FilterExpression: filter,
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    },
  ))
    out.push(...(page.Items ?? []));
  return out;
}
