import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from './dynamo.ts';
import { AlertRecord } from './records.ts';
import type { Repository } from './repository.ts';
import { keys } from './table.ts';

/** Marks an alert as handed to every recipient, so the redrive stops offering it. */
export async function markAlertDelivered(repo: Repository, alertId: string, now: string): Promise<void> {
  await repo.db.send(
    new UpdateCommand({
      TableName: repo.table,
      Key: keys.alert(alertId),
      UpdateExpression: 'SET deliveredAt = :now',
      ExpressionAttributeValues: { ':now': now },
    }),
  );
}

/**
 * Alerts recorded but not yet delivered to all their recipients: a mail server was down longer than the
 * queue's retries, or the process stopped with the alert in flight. A scan is fine here: alerts number in
 * the thousands a year, and this runs once per cycle.
 */
export async function undeliveredAlerts(repo: Repository): Promise<AlertRecord[]> {
  const out: AlertRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await repo.db.send(
      new ScanCommand({
        TableName: repo.table,
        FilterExpression: 'begins_with(pk, :p) AND attribute_not_exists(deliveredAt)',
        ExpressionAttributeValues: { ':p': 'ALERT#' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      const { deliveredAt: _d, ...rest } = withoutKeys(item);
      out.push(AlertRecord.parse(rest));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
