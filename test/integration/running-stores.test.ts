import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { type EmbeddedStores, startEmbeddedStores } from '#shared/local/embedded-services.ts';
import { runningStores } from '#shared/local/running-stores.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { createTableActive, describeTable, hasFindingsIndex } from '#shared/local/table-upgrade.ts';
import { FINDINGS_INDEX } from '#shared/store/finding-index.ts';
import { tableDefinition } from '#shared/store/table.ts';
import { scaleRegistry } from '#test/support/read-scale.ts';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A pid that is not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('runningStores(): another command on a data folder whose owner is getting its table ready', () => {
  let dir: string;
  let stores: EmbeddedStores;
  const lock = (fields: Record<string, unknown>) =>
    writeFile(
      join(dir, 'stores.json'),
      JSON.stringify({
        pid: process.pid,
        dynamodb: stores.dynamodbEndpoint,
        s3: stores.s3Endpoint,
        ...fields,
      }),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-running-stores-'));
    stores = await startEmbeddedStores(join(dir, 'stores'), 'nianbao-raw');
  });
  afterAll(async () => {
    await stores?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits while the owner says not ready, says so once, and answers the endpoints once it is', async () => {
    await lock({ ready: false });
    const lines: string[] = [];
    let settled = false;
    let waiting!: () => void;
    const saidWaiting = new Promise<void>((r) => {
      waiting = r;
    });
    const found = runningStores(dir, {
      pollMs: 10,
      log: (line) => {
        lines.push(line);
        waiting();
      },
    }).finally(() => {
      settled = true;
    });
    await saidWaiting;
    expect(settled).toBe(false);
    await lock({ ready: true });
    expect(await found).toEqual({ dynamodb: stores.dynamodbEndpoint, s3: stores.s3Endpoint });
    expect(lines).toEqual([
      expect.stringMatching(/^waiting for the nianbao process \d+ to get its table ready/),
    ]);
  });

  it('gives up with a sentence, not a write into the old table, when the owner stays not ready', async () => {
    await lock({ ready: false });
    await expect(runningStores(dir, { pollMs: 10, readyWaitMs: 50 })).rejects.toThrow(
      /has not got its table ready after \d+ s; try again later, or stop that process/,
    );
  });

  it('a lock whose stores never answer (its pid taken by another process) is an error that says what to do', async () => {
    await lock({ ready: false, dynamodb: 'http://127.0.0.1:9', s3: 'http://127.0.0.1:9' });
    await expect(runningStores(dir, { pollMs: 10, probeEveryMs: 10 })).rejects.toThrow(
      /do not answer; if no nianbao process is using .*, delete that file and try again/,
    );
    await lock({ ready: true, dynamodb: 'http://127.0.0.1:9', s3: 'http://127.0.0.1:9' });
    await expect(runningStores(dir)).rejects.toThrow(/stores\.json .* do not answer; if no nianbao process/);
  });

  it('an owner that died before it was ready leaves a stale file; an older owner (no `ready`) is ready', async () => {
    await lock({ ready: false, pid: await deadPid() });
    expect(await runningStores(dir, { pollMs: 10 })).toBeNull();
    await lock({});
    expect(await runningStores(dir)).toEqual({ dynamodb: stores.dynamodbEndpoint, s3: stores.s3Endpoint });
  });
});

describe('a command started while `start` rebuilds a table made before the findings index', () => {
  let dir: string;
  const registry = scaleRegistry(5);
  const config = () => loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' });
  let owner: Runtime | undefined;
  let other: Runtime | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-upgrade-race-'));
    // The data folder as an older version left it: the table without the byFinding index, with items.
    const old = await startEmbeddedStores(dir, config().NIANBAO_BUCKET);
    const client = new DynamoDBClient({
      region: REGION,
      endpoint: old.dynamodbEndpoint,
      credentials: CREDENTIALS,
    });
    const doc = DynamoDBDocumentClient.from(client);
    const def = tableDefinition(config().NIANBAO_TABLE);
    // Written only once ACTIVE: a write to a CREATING table is ResourceNotFoundException.
    await createTableActive(client, def.TableName as string, {
      ...def,
      AttributeDefinitions: def.AttributeDefinitions?.filter((a) => !a.AttributeName?.startsWith('gsi2')),
      GlobalSecondaryIndexes: def.GlobalSecondaryIndexes?.filter((g) => g.IndexName !== FINDINGS_INDEX),
    });
    for (let i = 0; i < 4000; i += 25) {
      const Items = Array.from({ length: 25 }, (_, k) => ({
        pk: `FILL#${i + k}`,
        sk: 'X',
        pad: 'x'.repeat(200),
      }));
      await doc.send(
        new BatchWriteCommand({
          RequestItems: { [def.TableName as string]: Items.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    client.destroy();
    await old.close();
  });
  afterAll(async () => {
    await other?.close();
    await owner?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits for the rebuild, and what it writes is there afterwards', async () => {
    const lockFile = join(dir, 'stores.json');
    const starting = startRuntime({ config: config(), registry });
    // As soon as the owner's stores are up (its stores.json written), another command starts on the folder.
    for (;;) {
      const text = await readFile(lockFile, 'utf8').catch(() => null);
      if (text) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const logs: string[] = [];
    other = await startRuntime({ config: config(), registry, log: (l) => logs.push(l) });
    const table = config().NIANBAO_TABLE;
    // By the time it has the stores, the table is the new one: no copy in progress that a write could miss.
    const client = new DynamoDBClient({
      region: REGION,
      endpoint: JSON.parse(await readFile(lockFile, 'utf8')).dynamodb,
      credentials: CREDENTIALS,
    });
    try {
      expect(hasFindingsIndex(await describeTable(client, table))).toBe(true);
      expect(await describeTable(client, `${table}-upgrade`)).toBeNull();
    } finally {
      client.destroy();
    }
    await other.ctx.repo.db.send(new PutCommand({ TableName: table, Item: { pk: 'RACE#1', sk: 'X' } }));
    owner = await starting;
    const back = await owner.ctx.repo.db.send(
      new GetCommand({ TableName: table, Key: { pk: 'RACE#1', sk: 'X' }, ConsistentRead: true }),
    );
    expect(back.Item).toEqual({ pk: 'RACE#1', sk: 'X' });
    expect(JSON.parse(await readFile(lockFile, 'utf8')).ready).toBe(true);
  });
});
