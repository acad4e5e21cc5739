import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { type EmbeddedStores, ensureTable, startEmbeddedStores } from '#shared/local/embedded-services.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { createTableActive, describeTable, hasFindingsIndex } from '#shared/local/table-upgrade.ts';
import { perBodyFindings, scopeFindings } from '#shared/read/findings.ts';
import { FINDINGS_INDEX, findingIndexKeys } from '#shared/store/finding-index.ts';
import { findingsIndexComplete, reindexFindings } from '#shared/store/findings-backfill.ts';
import { tableDefinition } from '#shared/store/table.ts';
import { countStoreCalls } from '#test/bench/bench-stores.ts';
import { findingsItems } from '#test/support/findings-seed.ts';
import { scaleRegistry } from '#test/support/read-scale.ts';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The table as it was created before the findings index: pk/sk and byScope only. */
function oldDefinition(table: string) {
  const def = tableDefinition(table);
  return {
    ...def,
    AttributeDefinitions: def.AttributeDefinitions?.filter((a) => !a.AttributeName?.startsWith('gsi2')),
    GlobalSecondaryIndexes: def.GlobalSecondaryIndexes?.filter((g) => g.IndexName !== FINDINGS_INDEX),
  };
}

describe('findings index on a store made before it', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  const registry = scaleRegistry(60);
  const items = findingsItems(registry);
  const indexable = items.filter((i) => findingIndexKeys(i)).length;

  /** Items written as the old code wrote them: no index keys (BatchWriteItem, not the project's batchPut). */
  const writeRaw = async (table: string, list: readonly Record<string, unknown>[]) => {
    for (let i = 0; i < list.length; i += 25) {
      const res = await doc.send(
        new BatchWriteCommand({
          RequestItems: { [table]: list.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
      expect(Object.keys(res.UnprocessedItems ?? {})).toEqual([]);
    }
  };
  const countItems = async (table: string) => {
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      n += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return n;
  };
  /** A runtime on these stores as configured endpoints (so it never rebuilds the table itself). */
  const runtimeOn = (table: string) =>
    startRuntime({
      config: loadConfig({
        NIANBAO_DATA_DIR: dir,
        NIANBAO_TODAY: '2026-11-24',
        NIANBAO_TABLE: table,
        NIANBAO_DYNAMODB_ENDPOINT: stores.dynamodbEndpoint,
        NIANBAO_S3_ENDPOINT: stores.s3Endpoint,
      }),
      registry,
    });
  const queriesOf = async (rt: Runtime, read: () => Promise<unknown>) => {
    const calls = countStoreCalls(rt.ctx);
    const before = calls.byCommand().QueryCommand ?? 0;
    await read();
    return (calls.byCommand().QueryCommand ?? 0) - before;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-findings-upgrade-'));
    stores = await startEmbeddedStores(join(dir, 'stores'), 'nianbao-raw');
    client = new DynamoDBClient({
      region: REGION,
      endpoint: stores.dynamodbEndpoint,
      credentials: CREDENTIALS,
    });
    doc = DynamoDBDocumentClient.from(client);
  });
  afterAll(async () => {
    client?.destroy();
    await stores?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('an old embedded table: read body by body until rebuilt, then rebuilt with every item indexed', async () => {
    await createTableActive(client, 'old', oldDefinition('old'));
    await writeRaw('old', items);
    // A runtime that did not start the stores leaves the table alone (dynalite ignores UpdateTable's Create).
    const rt = await runtimeOn('old');
    try {
      expect(hasFindingsIndex(await describeTable(client, 'old'))).toBe(false);
      const every = await perBodyFindings(rt.ctx, registry, 1000);
      expect(every.length).toBeGreaterThan(100);
      // Not silently less: without the index and its marker, the listing is the per-body one.
      expect(await scopeFindings(rt.ctx, '*', 1000)).toEqual(every);
      expect(await queriesOf(rt, () => scopeFindings(rt.ctx, '*', 50))).toBe(60);
      await expect(reindexFindings(rt.ctx.repo, rt.ctx.now)).rejects.toThrow(/has no byFinding index yet/);
    } finally {
      await rt.close();
    }
    // An upgrade cut short in its first copy: the copy table holds part of the items.
    await createTableActive(client, 'old-upgrade');
    await writeRaw('old-upgrade', items.slice(0, 40));
    await ensureTable(stores.dynamodbEndpoint, REGION, 'old', true);
    expect(hasFindingsIndex(await describeTable(client, 'old'))).toBe(true);
    expect(await describeTable(client, 'old-upgrade')).toBeNull();
    expect(await countItems('old')).toBe(items.length + 1); // every item, and the marker
    const after = await runtimeOn('old');
    try {
      expect(await findingsIndexComplete(after.ctx.repo)).toBe(true);
      const every = await perBodyFindings(after.ctx, registry, 1000);
      expect(await scopeFindings(after.ctx, '*', 1000)).toEqual(every);
      // Three provinces (11, 12, 13): a Query each.
      expect(await queriesOf(after, () => scopeFindings(after.ctx, '*', 50))).toBe(3);
    } finally {
      await after.close();
    }
    // Started again, nothing is left to do.
    await ensureTable(stores.dynamodbEndpoint, REGION, 'old', true);
    expect(await countItems('old')).toBe(items.length + 1);
  }, 300_000);

  it('a table given the index without its items indexed (AWS after the deploy): the backfill, run twice', async () => {
    await createTableActive(client, 'aws');
    await writeRaw('aws', items);
    const rt = await runtimeOn('aws');
    try {
      const every = await perBodyFindings(rt.ctx, registry, 1000);
      expect(await findingsIndexComplete(rt.ctx.repo)).toBe(false);
      expect(await scopeFindings(rt.ctx, '*', 1000)).toEqual(every);
      const first = await reindexFindings(rt.ctx.repo, rt.ctx.now);
      expect(first.indexed).toBe(indexable);
      expect(await scopeFindings(rt.ctx, '*', 1000)).toEqual(every);
      expect(await queriesOf(rt, () => scopeFindings(rt.ctx, '*', 50))).toBe(3);
      const again = await reindexFindings(rt.ctx.repo, rt.ctx.now);
      expect(again).toEqual({ scanned: first.scanned, indexed: 0 });
    } finally {
      await rt.close();
    }
  }, 300_000);
});
