import { paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
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
  const out: Array<Record<string, unknown>> = [];
  // The SDK's paginator follows LastEvaluatedKey (one Query a page, through the client's send).
  for await (const page of paginateQuery(
    { client: repo.db },
    {
      TableName: repo.table,
      KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
      ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':sk': skPrefix } : { ':pk': pk },
      ConsistentRead: true,
    },
  ))
    out.push(...(page.Items ?? []));
  return out;
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
  const out: Array<Record<string, unknown>> = [];
  for await (const page of paginateQuery(
    { client: repo.db },
    {
      TableName: repo.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': pk, ':low': low, ':high': high },
      ConsistentRead: true,
    },
  ))
    out.push(...(page.Items ?? []));
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
