import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from './dynamo.ts';
import type { Repository } from './repository.ts';
import { keys } from './table.ts';

/**
 * A sweep batch's admin summary while it is being raised: the summary's alert item as it is to be written
 * (`item`, keys included, with `covers`, the alert ids it stands for). Written before the summary and
 * deleted once the alerts it covers are recorded, so a run cut short in between is finished by the next
 * run whatever day that is (the summary's id holds the day it was raised: without this, a retry after
 * Beijing midnight would not find it and would summarise — and mail — the same admin alerts again).
 * Read with the sweep's full pass (sweep-reads.ts readSweepState: no call of its own).
 */
export interface OpenSummary {
  summaryId: string;
  covers: string[];
  item: Record<string, unknown> & { alertId: string; createdAt: string };
}

/** The open summary an item holds (the item as read, keys included), or null for none or a malformed one. */
export function openSummaryOf(item: Record<string, unknown> | undefined): OpenSummary | null {
  if (!item) return null;
  const open = withoutKeys(item) as Partial<OpenSummary>;
  const summary = open.item as Record<string, unknown> | undefined;
  if (typeof open.summaryId !== 'string' || !Array.isArray(open.covers) || !summary) return null;
  const { alertId, createdAt } = summary;
  if (typeof alertId !== 'string' || typeof createdAt !== 'string') return null;
  return {
    summaryId: open.summaryId,
    covers: open.covers.map(String),
    item: { ...summary, alertId, createdAt },
  };
}

/** Records the summary about to be raised (replacing an earlier open one of the batch). */
export async function putOpenSummary(
  repo: Repository,
  firstBodyId: string,
  open: OpenSummary,
): Promise<void> {
  await repo.db.send(
    new PutCommand({ TableName: repo.table, Item: { ...keys.openSummary(firstBodyId), ...open } }),
  );
}

/** The batch's summary is raised and what it covers recorded: nothing left to finish. */
export async function closeOpenSummary(repo: Repository, firstBodyId: string): Promise<void> {
  await repo.db.send(new DeleteCommand({ TableName: repo.table, Key: keys.openSummary(firstBodyId) }));
}
