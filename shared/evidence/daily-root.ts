import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { beijingDate } from '../domain/clock.ts';
import type { StageContext } from '../stages/context.ts';
import { batchPut } from '../store/batch-write.ts';
import { latestChainLink } from '../store/crawl-state.ts';
import { withoutKeys } from '../store/dynamo.ts';
import { queryAll } from '../store/query-all.ts';
import type { Repository } from '../store/repository.ts';
import { canonicalJson } from './canonical-json.ts';
import { merkleRoot } from './merkle.ts';
import { requestTimestamp } from './tsa.ts';

/** One leaf of a daily root: a body's chain head (docs/evidence.md, "Daily root"). */
export const RootLeaf = z.object({ bodyId: z.string(), seq: z.number().int(), hash: z.string() });
export type RootLeaf = z.infer<typeof RootLeaf>;

/** The daily root (`ROOT` / `ROOT#<date>`): the Merkle root over every body's chain head that day. */
export const DailyRoot = z.object({
  date: z.string(),
  at: z.string(),
  /** When it was computed (ISO 8601); its leaf pages are `ROOT#<date>` / `LEAVES#<at>#<n>`. */
  /** Leaves, in bodyId order, each `canonicalJson(RootLeaf)`. */
  size: z.number().int(),
  pages: z.number().int(),
  /** RFC 9162 Merkle tree hash (hex) over the leaves. */
  root: z.string(),
  /** The RFC 3161 token over SHA-256 of the root's 32 bytes, when a TSA is configured and answered. */
  timestamp: z.object({ tsaUrl: z.string(), token: z.string(), genTime: z.string() }).optional(),
  /** Why there is no token although a TSA is configured. */
  timestampError: z.string().optional(),
});
export type DailyRoot = z.infer<typeof DailyRoot>;

/** Leaves per page item: ~70 bytes each keeps a page well under DynamoDB's 400 KB. */
const PAGE = 2000;
/** Chain heads read at once. */
const CONCURRENCY = 8;

const rootKey = (date: string) => ({ pk: 'ROOT', sk: `ROOT#${date}` });
/** Pages are keyed by the root's own time too, so a recorder that loses the race never overwrites the winner's. */
const pageKey = (date: string, at: string, n: number) => ({
  pk: `ROOT#${date}`,
  sk: `LEAVES#${at}#${String(n).padStart(5, '0')}`,
});

/** The leaf data a Merkle leaf hashes (UTF-8 of its canonical JSON). */
export const leafData = (leaf: RootLeaf): string =>
  canonicalJson({ bodyId: leaf.bodyId, seq: leaf.seq, hash: leaf.hash });

export async function getDailyRoot(repo: Repository, date: string): Promise<DailyRoot | null> {
  const res = await repo.db.send(
    new GetCommand({ TableName: repo.table, Key: rootKey(date), ConsistentRead: true }),
  );
  return res.Item ? DailyRoot.parse(withoutKeys(res.Item)) : null;
}

/** Every daily root recorded, oldest first. */
export async function listDailyRoots(repo: Repository): Promise<DailyRoot[]> {
  return (await queryAll(repo, 'ROOT', 'ROOT#')).map((i) => DailyRoot.parse(withoutKeys(i)));
}

/** A root's leaves, in the order hashed. */
export async function rootLeaves(repo: Repository, root: DailyRoot): Promise<RootLeaf[]> {
  return (await queryAll(repo, `ROOT#${root.date}`, `LEAVES#${root.at}#`)).flatMap((i) =>
    z.array(RootLeaf).parse(i.leaves),
  );
}

async function heads(repo: Repository, bodyIds: readonly string[]): Promise<RootLeaf[]> {
  const out: RootLeaf[] = [];
  let next = 0;
  const worker = async () => {
    while (next < bodyIds.length) {
      const bodyId = bodyIds[next++] as string;
      const link = await latestChainLink(repo, bodyId);
      if (link) out.push({ bodyId, seq: link.seq, hash: link.hash });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return out.sort((a, b) => (a.bodyId < b.bodyId ? -1 : a.bodyId > b.bodyId ? 1 : 0));
}

export interface DailyRootOptions {
  /** RFC 3161 TSA (NIANBAO_TSA_URL); unset: the root is recorded without a token. */
  tsaUrl?: string;
  fetchImpl?: typeof fetch;
}

/**
 * Records today's root over the chain heads of every body in the registry
 * that has one: leaf pages first, then the root item with a conditional put, so a root never lacks its
 * leaves and the first root of a day stands (a second call returns it). With a TSA configured, the root
 * is timestamped first; a TSA that fails leaves the root unstamped with the reason (`timestampError`),
 * logged: the log's integrity does not depend on a third party being up. The root's date is the Beijing
 * date of `ctx.now()`, the real time of recording, never a simulated `ctx.today()` (NIANBAO_TODAY /
 * `--today`): a root labelled with a date it was not computed on would fail `verify`'s time checks.
 *
 * @returns the day's root, new or already there.
 */
export async function recordDailyRoot(
  ctx: Pick<StageContext, 'repo' | 'registry' | 'now' | 'log'>,
  options: DailyRootOptions = {},
): Promise<DailyRoot> {
  const now = ctx.now();
  const date = beijingDate(now);
  const existing = await getDailyRoot(ctx.repo, date);
  if (existing) return existing;
  const leaves = await heads(ctx.repo, [...ctx.registry.keys()]);
  const root = merkleRoot(leaves.map(leafData));
  const record: DailyRoot = {
    date,
    at: now.toISOString(),
    size: leaves.length,
    pages: Math.ceil(leaves.length / PAGE),
    root,
  };
  if (options.tsaUrl) {
    try {
      const stamp = await requestTimestamp(options.tsaUrl, Buffer.from(root, 'hex'), options.fetchImpl);
      record.timestamp = {
        tsaUrl: options.tsaUrl,
        token: Buffer.from(stamp.token).toString('base64'),
        genTime: stamp.genTime,
      };
    } catch (error) {
      record.timestampError = (error as Error).message;
      ctx.log('daily root not timestamped', { stage: 'evidence', date, error: record.timestampError });
    }
  }
  const pages = [];
  for (let i = 0; i < leaves.length; i += PAGE)
    pages.push({ ...pageKey(date, record.at, i / PAGE), leaves: leaves.slice(i, i + PAGE) });
  await batchPut(ctx.repo, pages);
  if (!(await ctx.repo.putNew({ ...rootKey(date), ...record }))) {
    const winner = await getDailyRoot(ctx.repo, date);
    if (winner) return winner;
  }
  ctx.log(`daily root ${date}: ${leaves.length} chain head(s), ${root}`, { stage: 'evidence', date });
  return record;
}
