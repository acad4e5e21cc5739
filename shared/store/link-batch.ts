import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut } from './batch-write.ts';
import { isConditionFailed, withoutKeys } from './dynamo.ts';
import { queryAll } from './query-all.ts';
import { LinkItem } from './records.ts';
import { type Repository, sha1Hex } from './repository.ts';
import { keys } from './table.ts';

/**
 * Every report candidate this body has seen, in one Query (following pagination: a body with years of
 * reports and their revisions can pass DynamoDB's 1 MB page). Only candidates are stored, not every
 * navigation link, so this stays small.
 */
export async function listLinks(repo: Repository, bodyId: string): Promise<Map<string, LinkItem>> {
  const out = new Map<string, LinkItem>();
  for (const item of await queryAll(repo, `BODY#${bodyId}`, 'LINK#')) {
    const link = LinkItem.parse(withoutKeys(item));
    out.set(link.url, link);
  }
  return out;
}

/** Stores links (keyed per body) in BatchWriteItem calls of 25 (batch-write.ts). */
export async function putLinks(repo: Repository, links: readonly LinkItem[]): Promise<void> {
  await batchPut(
    repo,
    links.map((l) => ({ ...keys.link(l.bodyId, sha1Hex(l.url)), ...l })),
  );
}

/**
 * The parse stage's word on a link: `parsed`, with what it found. Conditional on the link existing and
 * still naming this archived page, so a late parse of an old version cannot overwrite a newer state.
 */
export async function markLinkParsed(
  repo: Repository,
  bodyId: string,
  url: string,
  rawKey: string,
  result: { kind: 'report' | 'not-a-report' | 'failed'; reason?: string },
): Promise<boolean> {
  try {
    await repo.db.send(
      new UpdateCommand({
        TableName: repo.table,
        Key: keys.link(bodyId, sha1Hex(url)),
        UpdateExpression: 'SET #s = :parsed, parseResult = :r, parseReason = :why',
        ConditionExpression: 'attribute_exists(pk) AND rawKey = :key',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: {
          ':parsed': 'parsed',
          ':r': result.kind,
          ':why': result.reason ?? '',
          ':key': rawKey,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
