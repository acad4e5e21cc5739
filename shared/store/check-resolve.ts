import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../errors.ts';
import { missingHolders, resolveCandidates } from '../evidence/candidate-ref.ts';
import type { StoredEntry } from '../evidence/check-chain.ts';
import { MAX_UNPROCESSED_ROUNDS, unprocessedBackoff } from './batch-write.ts';
import { withoutKeys } from './dynamo.ts';
import { CheckEntry } from './records.ts';
import type { Repository } from './repository.ts';
import { keys } from './table.ts';

/** BatchGetItem's limit of keys per call. */
const GET_LIMIT = 100;

/**
 * Check-log items as read (keys and all) → `CheckEntry` values as they were before candidate lists were
 * kept by reference (docs/evidence.md, "Candidate lists by reference"): an entry that refers to another
 * entry's list gets that list, from the items themselves or, for holders outside them, from one
 * BatchGetItem per 100 holders (one hop: a reference names the entry holding the list). An entry whose
 * list cannot be resolved (its holder deleted, or a list that no longer gives the digest the entry binds:
 * an edited log, which `nianbao verify` reports as `list-mismatch`) is left out, never read as an empty
 * list: a check without its candidates must not count as one that listed nothing. Order is kept.
 *
 * @throws InfrastructureError when DynamoDB keeps holder keys unprocessed.
 */
export async function checkEntriesOf(
  repo: Repository,
  bodyId: string,
  items: ReadonlyArray<Record<string, unknown>>,
  consistent = true,
): Promise<CheckEntry[]> {
  const stored = items.map((i) => withoutKeys(i) as StoredEntry);
  const wanted = missingHolders(stored);
  const holders = wanted.length > 0 ? await getEntries(repo, bodyId, wanted, consistent) : [];
  return resolveCandidates(stored, holders).entries.flatMap((e) => {
    const parsed = CheckEntry.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The stored entries of a body at the given times (keys stripped), in no particular order. */
async function getEntries(
  repo: Repository,
  bodyId: string,
  ats: readonly string[],
  consistent: boolean,
): Promise<StoredEntry[]> {
  const out: StoredEntry[] = [];
  for (let i = 0; i < ats.length; i += GET_LIMIT) {
    let request:
      | Record<string, { Keys: Array<Record<string, string>>; ConsistentRead: boolean }>
      | undefined = {
      [repo.table]: {
        Keys: ats.slice(i, i + GET_LIMIT).map((at) => keys.check(bodyId, at)),
        ConsistentRead: consistent,
      },
    };
    for (let round = 0; request && Object.keys(request).length > 0; round += 1) {
      if (round === MAX_UNPROCESSED_ROUNDS)
        throw new InfrastructureError(`BatchGetItem left check entries of ${bodyId} unprocessed`, 'dynamodb');
      if (round > 0) await unprocessedBackoff(round);
      const res = await repo.db.send(new BatchGetCommand({ RequestItems: request }));
      out.push(...(res.Responses?.[repo.table] ?? []).map((item) => withoutKeys(item) as StoredEntry));
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return out;
}
