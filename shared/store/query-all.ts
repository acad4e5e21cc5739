import { QueryCommand } from '@aws-sdk/lib-dynamodb';
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
  let start: Record<string, unknown> | undefined;
  do {
    const page = await repo.db.send(
      new QueryCommand({
        TableName: repo.table,
        KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
        ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':sk': skPrefix } : { ':pk': pk },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
