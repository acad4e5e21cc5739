import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type TableDescription,
  UpdateTableCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  FINDINGS_INDEX,
  FINDINGS_INDEX_VERSION,
  FINDINGS_PK,
  FINDINGS_SK,
  findingIndexKeys,
  findingsIndexMarkerKey,
} from '../store/finding-index.ts';
import { findingsIndexDefinition, tableDefinition } from '../store/table.ts';

type RawItem = Record<string, AttributeValue>;

/** The table's description, or null when there is no such table. */
export async function describeTable(client: DynamoDBClient, table: string): Promise<TableDescription | null> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table ?? null;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return null;
    throw error;
  }
}

/**
 * CreateTable (`definition`: the table's own, `tableDefinition`, unless given), then waits until the table is
 * ACTIVE (DynamoDB, and dynalite too, answer a write to a CREATING table with ResourceNotFoundException):
 * polled every 50 ms, at most 60 s, else an error.
 */
export async function createTableActive(
  client: DynamoDBClient,
  table: string,
  definition: CreateTableCommandInput = tableDefinition(table),
): Promise<void> {
  await client.send(new CreateTableCommand({ ...definition, TableName: table }));
  for (let waited = 0; waited < 60_000; waited += 50) {
    if ((await describeTable(client, table))?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${table} was not ACTIVE 60 s after CreateTable`);
}

export const hasFindingsIndex = (t: TableDescription | null): boolean =>
  (t?.GlobalSecondaryIndexes ?? []).some((g) => g.IndexName === FINDINGS_INDEX);

/** Writes the marker saying every item of `table` carries its findings-index keys (finding-index.ts). */
export async function markFindingsIndexComplete(
  client: DynamoDBClient,
  table: string,
  at: string,
): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        pk: { S: findingsIndexMarkerKey.pk },
        sk: { S: findingsIndexMarkerKey.sk },
        version: { N: String(FINDINGS_INDEX_VERSION) },
        complete: { BOOL: true },
        at: { S: at },
      },
    }),
  );
}

/**
 * Adds the findings index to a table created before it. DynamoDB builds a GSI added by UpdateTable in the
 * background, but only over items that carry its keys: the table's items are then indexed by the backfill
 * (`nianbao reindex-findings`), and the read model reads body by body until its marker says complete.
 * A refusal the table can live with is not an error: the index is asked for again at the next start.
 */
export async function addFindingsIndex(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: tableDefinition(table).AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: findingsIndexDefinition }],
      }),
    );
  } catch (error) {
    // Refused (dynalite wants a provisioned throughput; another index is being built): the table works
    // without it, the read model reads body by body, and the next start asks again.
    const name = (error as { name?: string }).name ?? '';
    if (!['ValidationException', 'LimitExceededException', 'ResourceInUseException'].includes(name))
      throw error;
  }
}

/**
 * dynalite (4.x) accepts UpdateTable's GlobalSecondaryIndexUpdates but ignores a Create: a table of the
 * embedded store made before the findings index is rebuilt instead, through the ordinary API:
 * 1. copy every item into `<table>-upgrade` (created with the current definition), adding each item's
 *    findings-index keys;
 * 2. delete the table, create it again with the current definition, copy every item back, mark the
 *    index complete, delete `<table>-upgrade`.
 * Each step can be repeated: an interruption is finished by the next start (the copy table still there
 * with the old table lacking the index = step 1 again; with the table gone or rebuilt = step 2 again), so
 * the items are always in one table or the other. Only for a store this process started: nothing else
 * may be writing while it runs.
 */
export async function rebuildWithFindingsIndex(
  client: DynamoDBClient,
  table: string,
  at: string,
): Promise<void> {
  const copy = `${table}-upgrade`;
  let current = await describeTable(client, table);
  let spare = await describeTable(client, copy);
  if (hasFindingsIndex(current) && !spare) return;
  if (current && !hasFindingsIndex(current)) {
    if (!spare) await createTableActive(client, copy);
    await copyItems(client, table, copy);
    await dropTable(client, table);
    current = null;
    spare = await describeTable(client, copy);
  }
  if (!current) await createTableActive(client, table);
  await copyItems(client, copy, table);
  await markFindingsIndexComplete(client, table, at);
  await dropTable(client, copy);
}

async function dropTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: table }));
  // dynalite removes the table's entry just after answering (deleteTableMs): wait until it is gone.
  for (let i = 0; i < 200 && (await describeTable(client, table)); i += 1) {
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every item of `from` put into `to` (BatchWriteItem, 25 at a time), each with its findings-index keys. */
async function copyItems(client: DynamoDBClient, from: string, to: string): Promise<void> {
  let start: RawItem | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: from,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (page.Items ?? []).map(indexedRaw);
    for (let i = 0; i < items.length; i += 25) {
      let pending: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round === 8) throw new Error(`copying ${from} to ${to}: BatchWriteItem left items unprocessed`);
        const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [to]: pending } }));
        pending = res.UnprocessedItems?.[to] ?? [];
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

/** A raw (AttributeValue) item with its findings-index keys set as findingIndexKeys gives them. */
function indexedRaw(item: RawItem): RawItem {
  const { [FINDINGS_PK]: _p, [FINDINGS_SK]: _s, ...rest } = item;
  const index = findingIndexKeys({
    pk: rest.pk?.S,
    sk: rest.sk?.S,
    bodyId: rest.bodyId?.S,
    year: rest.year?.N === undefined ? undefined : Number(rest.year.N),
    findings: rest.findings?.L,
    firstSeen: rest.firstSeen?.S,
    rule: rest.rule?.S,
    createdAt: rest.createdAt?.S,
  });
  if (!index) return rest;
  return {
    ...rest,
    [FINDINGS_PK]: { S: index[FINDINGS_PK] as string },
    [FINDINGS_SK]: { S: index[FINDINGS_SK] as string },
  };
}
