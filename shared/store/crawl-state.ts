import { QueryCommand as LowLevelQuery } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { InfrastructureError } from '../errors.ts';
import { compactCandidates, holderOf, type ListHolder } from '../evidence/candidate-ref.ts';
import { type ChainLink, linkOf, sealEntry } from '../evidence/check-chain.ts';
import { batchPut, MAX_UNPROCESSED_ROUNDS, unprocessedBackoff } from './batch-write.ts';
import { checkEntriesOf } from './check-resolve.ts';
import { withoutKeys } from './dynamo.ts';
import { queryBetween } from './query-all.ts';
import { BodyState, type CheckEntry, LinkItem, WalkState } from './records.ts';
import type { Repository } from './repository.ts';
import { keys } from './table.ts';

/**
 * A body's crawl state and its unfinished walk (if any) in one BatchGetItem: what every crawl reads first.
 * `reportYears` adds the `REPORT#<year>` keys of those years to the same request (the schedule asks whether
 * the due years' reports are stored: no second call); `reportedYears` are those of them that exist, sorted.
 * Consistent reads unless `consistent` is false (the schedule's due check: half the read units, and a read a
 * second stale only crawls a body once more or a day later), every page of UnprocessedKeys.
 */
export async function getCrawlState(
  repo: Repository,
  bodyId: string,
  reportYears: readonly number[] = [],
  consistent = true,
): Promise<{ state: BodyState; walk: WalkState | null; reportedYears: number[] }> {
  const reportKeys = [...new Set(reportYears)].map((y) => keys.report(bodyId, y));
  let request: Record<string, { Keys: Array<Record<string, string>>; ConsistentRead: boolean }> | undefined =
    {
      [repo.table]: {
        Keys: [keys.body(bodyId), keys.walk(bodyId), ...reportKeys],
        ConsistentRead: consistent,
      },
    };
  const items: Array<Record<string, unknown>> = [];
  for (let round = 0; request && Object.keys(request).length > 0; round += 1) {
    if (round === MAX_UNPROCESSED_ROUNDS)
      throw new InfrastructureError(`BatchGetItem left the crawl state of ${bodyId} unprocessed`, 'dynamodb');
    if (round > 0) await unprocessedBackoff(round);
    const res = await repo.db.send(new BatchGetCommand({ RequestItems: request }));
    items.push(...(res.Responses?.[repo.table] ?? []));
    request = res.UnprocessedKeys as typeof request;
  }
  const present = new Set(items.map((i) => String(i.sk)));
  return {
    ...stateAndWalk(bodyId, items),
    reportedYears: reportKeys
      .filter((k) => present.has(k.sk))
      .map((k) => Number(k.sk.slice('REPORT#'.length)))
      .sort((a, b) => a - b),
  };
}

/**
 * What a crawl reads first, in one consistent Query (following pagination): the body's report candidates
 * (`LINK#…`), its state (`META`) and its unfinished walk (`META#WALK`), whose sort keys are adjacent
 * (table.ts). One call where a BatchGetItem and a Query were two, and the absent walk costs no read unit.
 * `links` is keyed by URL; `state` is a fresh body's when there is no META yet.
 */
export async function readCrawlStart(
  repo: Repository,
  bodyId: string,
): Promise<{ state: BodyState; walk: WalkState | null; links: Map<string, LinkItem> }> {
  const items = await queryBetween(repo, keys.body(bodyId).pk, 'LINK#', keys.walk(bodyId).sk);
  const links = new Map<string, LinkItem>();
  for (const item of items) {
    if (!String(item.sk).startsWith('LINK#')) continue;
    const link = LinkItem.parse(withoutKeys(item));
    links.set(link.url, link);
  }
  return { ...stateAndWalk(bodyId, items), links };
}

/** The state (a fresh body's without META) and the unfinished walk (null when none or done) among `items`. */
function stateAndWalk(
  bodyId: string,
  items: Array<Record<string, unknown>>,
): { state: BodyState; walk: WalkState | null } {
  const meta = items.find((i) => i.sk === keys.body(bodyId).sk);
  const walk = items.find((i) => i.sk === keys.walk(bodyId).sk);
  const parsedWalk = walk ? WalkState.parse(withoutKeys(walk)) : null;
  return {
    state: meta ? BodyState.parse(withoutKeys(meta)) : { bodyId, consecutiveFailures: 0 },
    walk: parsedWalk && !parsedWalk.done ? parsedWalk : null,
  };
}

/** Saves where a walk stands, so a crash or a timeout between listing pages resumes there. */
export async function putWalk(repo: Repository, walk: WalkState): Promise<void> {
  await batchPut(repo, [{ ...keys.walk(walk.bodyId), ...walk }]);
}

/**
 * The chain link of a body's newest check-log entry (one Query, newest first), or null when there is none
 * or it predates the chain. Reading it from the log itself, not from the body's state, means an entry
 * written by a crawl that failed afterwards is still the one the next entry links to.
 */
export async function latestChainLink(repo: Repository, bodyId: string): Promise<ChainLink | null> {
  return (await newestEntry(repo, bodyId)).link;
}

/**
 * The body's newest check-log entry as the next one needs it: its chain link (null: none, or it predates
 * the chain) and the entry holding its candidate list (candidate-ref.ts), in one Query (Limit 1, newest
 * first, consistent).
 */
async function newestEntry(
  repo: Repository,
  bodyId: string,
): Promise<{ link: ChainLink | null; holder: ListHolder | undefined; none: boolean }> {
  // Through the low-level client (cached handlers, clients.ts): one of every crawl's three DynamoDB calls.
  const res = await repo.lowLevel.send(
    new LowLevelQuery({
      TableName: repo.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: marshall({ ':pk': `BODY#${bodyId}`, ':sk': 'CHECK#' }),
      ProjectionExpression: 'sk, #at, chain, candidatesDigest, candidatesFrom',
      ExpressionAttributeNames: { '#at': 'at' },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  // An entry written before the chain began carries no link: the next entry starts the chain.
  const first = res.Items?.[0];
  const newest = first ? unmarshall(first) : undefined;
  return { link: newest ? linkOf(newest) : null, holder: holderOf(newest), none: !newest };
}

/** How many check-log entries a body has (a COUNT query, every page). */
async function countChecks(repo: Repository, bodyId: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await repo.db.send(
      new QueryCommand({
        TableName: repo.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `BODY#${bodyId}`, ':sk': 'CHECK#' },
        Select: 'COUNT',
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    count += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return count;
}

/**
 * Ends a crawl: `before` (the crawl's changed links, written first), the check-log entry (sealed onto the
 * body's hash chain: `chain` = { seq, prev, hash }, docs/evidence.md), the body's state, and the walk marked
 * done (when one was saved), in one BatchWriteItem (more when over 25 items). The check entry is
 * append-only: its key is the check's time. Not atomic: a crash part way leaves some written, and the
 * crawl, which threw, is retried (the next entry links to whatever is newest in the log).
 */
export async function finishCheck(
  repo: Repository,
  entry: CheckEntry,
  state: BodyState,
  walkSaved: boolean,
  before: ReadonlyArray<Record<string, unknown>> = [],
): Promise<void> {
  const { link: previous, holder, none } = await newestEntry(repo, entry.bodyId);
  // The same candidate list as the newest entry's is kept by reference to the entry holding it (1 WRU
  // instead of 3 for an unchanged check with 10 report links); the digest binds it, inside the hash.
  const stored = compactCandidates(entry, previous ? holder : undefined);
  // The first sealed entry records how many entries came before it, so a verifier can tell a
  // stripped or forged unsealed entry from one written before the chain existed.
  const sealed = previous
    ? sealEntry(stored, previous)
    : sealEntry(
        // No entry at all (the Query found none): nothing came before, no COUNT to ask.
        { ...stored, chainStart: { earlier: none ? 0 : await countChecks(repo, entry.bodyId) } },
        null,
      );
  const items: Array<Record<string, unknown>> = [
    ...before,
    { ...keys.check(entry.bodyId, entry.at), ...sealed },
    { ...keys.body(state.bodyId), ...state },
  ];
  if (walkSaved)
    items.push({
      ...keys.walk(entry.bodyId),
      bodyId: entry.bodyId,
      startedAt: entry.at,
      queue: [],
      read: [],
      unread: [],
      pastOldest: false,
      done: true,
    });
  await batchPut(repo, items);
}

/**
 * The newest check-log entries of a body, newest first, candidate lists kept by reference filled in
 * (store/check-resolve.ts: an entry whose list cannot be resolved is left out).
 */
export async function listChecks(repo: Repository, bodyId: string, limit = 20): Promise<CheckEntry[]> {
  const res = await repo.db.send(
    new QueryCommand({
      TableName: repo.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `BODY#${bodyId}`, ':sk': 'CHECK#' },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return checkEntriesOf(repo, bodyId, res.Items ?? []);
}

/**
 * A body's check-log entries whose time falls between `from` and `to` (ISO strings or dates, compared as
 * the `CHECK#<time>` keys sort), oldest first, every page of the query, candidate lists kept by reference
 * filled in (store/check-resolve.ts: an entry whose list cannot be resolved is left out).
 */
export async function listChecksBetween(
  repo: Repository,
  bodyId: string,
  from: string,
  to: string,
): Promise<CheckEntry[]> {
  const out: Array<Record<string, unknown>> = [];
  // An empty range (`from` after `to`, e.g. a page date later than the first sighting): nothing to read, and
  // DynamoDB refuses a BETWEEN whose lower bound is above its upper bound (dynalite does not check).
  if (`CHECK#${from}` > `CHECK#${to}`) return [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await repo.db.send(
      new QueryCommand({
        TableName: repo.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': `BODY#${bodyId}`,
          ':from': `CHECK#${from}`,
          ':to': `CHECK#${to}`,
        },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    out.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return checkEntriesOf(repo, bodyId, out);
}
