import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from './dynamo.ts';
import { LinkItem } from './records.ts';
import { type Repository, sha1Hex } from './repository.ts';
import { keys } from './table.ts';

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));

/**
 * Which of a listing's URLs were seen before, in one BatchGetItem per 100 links instead of a read per
 * link: a listing carries dozens of navigation links, and a national crawl reads millions of them. Only
 * the keys are read back.
 */
export async function seenUrls(repo: Repository, urls: readonly string[]): Promise<Set<string>> {
  const items = await batchGetLinks(repo, urls, true);
  return new Set(items.keys());
}

/** The stored link items of these URLs (absent ones are simply missing from the map). */
export async function getLinks(repo: Repository, urls: readonly string[]): Promise<Map<string, LinkItem>> {
  const items = await batchGetLinks(repo, urls, false);
  const out = new Map<string, LinkItem>();
  for (const [url, item] of items) out.set(url, LinkItem.parse(withoutKeys(item)));
  return out;
}

async function batchGetLinks(
  repo: Repository,
  urls: readonly string[],
  keysOnly: boolean,
): Promise<Map<string, Record<string, unknown>>> {
  const byHash = new Map(urls.map((u) => [sha1Hex(u), u]));
  const found = new Map<string, Record<string, unknown>>();
  for (const group of chunks([...byHash.keys()], 100)) {
    let request: Record<string, KeysAndAttributes> | undefined = {
      [repo.table]: {
        Keys: group.map((h) => keys.link(h)),
        ConsistentRead: true,
        ...(keysOnly ? { ProjectionExpression: 'pk' } : {}),
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
      if (attempt > 0) await backoff(attempt);
      const res = await repo.db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of res.Responses?.[repo.table] ?? []) {
        const url = byHash.get(String(item.pk).slice('LINK#'.length));
        if (url) found.set(url, item);
      }
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

interface KeysAndAttributes {
  Keys: Array<Record<string, unknown>>;
  ConsistentRead: boolean;
  ProjectionExpression?: string;
}

/** Stores links in BatchWriteItem calls of 25, retrying what DynamoDB leaves unprocessed. */
export async function putLinks(repo: Repository, links: readonly LinkItem[]): Promise<void> {
  for (const group of chunks(links, 25)) {
    let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
      [repo.table]: group.map((l) => ({ PutRequest: { Item: { ...keys.link(sha1Hex(l.url)), ...l } } })),
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
      if (attempt > 0) await backoff(attempt);
      const res = await repo.db.send(new BatchWriteCommand({ RequestItems: request }));
      request = res.UnprocessedItems as typeof request;
    }
  }
}
