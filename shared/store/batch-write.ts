import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { InfrastructureError } from '../errors.ts';
import { MARSHALL_OPTIONS } from './clients.ts';
import { withFindingIndex } from './finding-index.ts';
import type { Repository } from './repository.ts';

/** DynamoDB's limit: 25 puts per BatchWriteItem. */
const WRITE_LIMIT = 25;
/** Rounds for what DynamoDB leaves unprocessed (throttling) before giving up as our own failure. */
export const MAX_UNPROCESSED_ROUNDS = 8;
const MAX_ROUNDS = MAX_UNPROCESSED_ROUNDS;
/** Our own copy: lib-dynamodb writes `convertTopLevelContainer` into the options object it is given. */
const MARSHALL = { ...MARSHALL_OPTIONS };

/**
 * The pause before round `round` (≥ 1) of asking DynamoDB again for what a batch call left unprocessed:
 * 20 ms doubling to 1 s, with full jitter (AWS's advice for UnprocessedItems / UnprocessedKeys is
 * exponential backoff; the jitter keeps retries of parallel callers apart). 8 rounds wait ≤ ~3.5 s in all.
 */
export const unprocessedBackoff = (round: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 20 * 2 ** round)));
const backoff = unprocessedBackoff;

/**
 * Puts items (each with its own keys) in BatchWriteItem calls of 25, retrying what DynamoDB leaves unprocessed
 * with a growing pause (20 ms … 1 s). Throws InfrastructureError when items stay unprocessed after 8 rounds:
 * a store that keeps throttling is our fault, retried and dead-lettered, never the portal's. Items holding
 * public findings carry their findings-index keys (finding-index.ts), as every other write gives them.
 */
export async function batchPut(repo: Repository, items: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += WRITE_LIMIT) {
    // Marshalled as the document client marshals (MARSHALL_OPTIONS), sent through the low-level client.
    let pending: WriteRequest[] = items
      .slice(i, i + WRITE_LIMIT)
      .map((item) => ({ PutRequest: { Item: marshall(withFindingIndex(item), MARSHALL) } }));
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_ROUNDS)
        throw new InfrastructureError(
          `BatchWriteItem left ${pending.length} item(s) unprocessed`,
          'dynamodb',
        );
      if (round > 0) await backoff(round);
      const res = await repo.lowLevel.send(
        new BatchWriteItemCommand({ RequestItems: { [repo.table]: pending } }),
      );
      pending = res.UnprocessedItems?.[repo.table] ?? [];
    }
  }
}
