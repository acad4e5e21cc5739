import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { standInCredentials } from '../store/clients.ts';
import {
  addFindingsIndex,
  createTableActive,
  describeTable,
  hasFindingsIndex,
  markFindingsIndexComplete,
  rebuildWithFindingsIndex,
} from './table-upgrade.ts';

export interface EmbeddedStores {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite (LevelDB) and s3rver (files), persisted under the data folder, on loopback only. Both are
 * loaded here, on first use (about 20 MB), so a runtime pointed at real stores never carries them.
 */
export async function startEmbeddedStores(
  dataDir: string,
  bucket: string,
  ports: { dynamodb: number; s3: number } = { dynamodb: 0, s3: 0 },
): Promise<EmbeddedStores> {
  const [{ default: dynalite }, { default: S3rver }] = await Promise.all([
    import('dynalite'),
    import('s3rver'),
  ]);
  const db: Server = dynalite({
    path: join(dataDir, 'dynamodb'),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    db.once('error', reject);
    db.listen(ports.dynamodb, '127.0.0.1', () => resolve());
  });
  const s3 = new S3rver({
    port: ports.s3,
    address: '127.0.0.1',
    directory: join(dataDir, 's3'),
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  // S3 refuses a PUT with `If-None-Match: *` on a key that exists (412, conditional writes); s3rver ignores
  // the header, so it is answered here, before s3rver's routes (path-style requests, as our clients send).
  s3.middleware.unshift(async (ctx, next) => {
    if (ctx.method !== 'PUT' || ctx.get('if-none-match') !== '*' || ctx.get('x-amz-copy-source'))
      return next();
    const [name, ...key] = ctx.path.slice(1).split('/').map(decodeURIComponent);
    if (!name || key.length === 0 || !(await s3.store.existsObject(name, key.join('/')))) return next();
    for await (const _ of ctx.req); // the body unread would break the client's keep-alive connection
    ctx.status = 412;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>`;
  });
  const s3Address = await s3.run();
  return {
    dynamodbEndpoint: `http://127.0.0.1:${(db.address() as AddressInfo).port}`,
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    async close() {
      await s3.close();
      await new Promise<void>((resolve) => db.close(() => resolve()));
    },
  };
}

/**
 * Creates the table when it is not there yet (the CDK stack does this in AWS), with every index of
 * `tableDefinition` and the marker saying its findings index is complete (a new table has nothing to
 * index). A table made before the findings index gets it: rebuilt with its items indexed when this process
 * started the embedded store (`rebuild`, dynalite cannot add a GSI: table-upgrade.ts), else added by
 * UpdateTable and left for `nianbao reindex-findings` to index (the read model reads body by body until then).
 */
export async function ensureTable(
  endpoint: string | undefined,
  region: string,
  table: string,
  /** The embedded runtime started this endpoint (dynalite): any credentials do. */
  startedHere = false,
  options: { rebuild?: boolean; now?: () => Date } = {},
): Promise<void> {
  const client = new DynamoDBClient({
    region,
    ...(endpoint ? { endpoint, ...standInCredentials(endpoint, startedHere) } : {}),
  });
  const at = (options.now ?? (() => new Date()))().toISOString();
  try {
    const current = await describeTable(client, table);
    const upgrading = startedHere && (await describeTable(client, `${table}-upgrade`)) !== null;
    if (!current && !upgrading) {
      await createTableActive(client, table);
      await markFindingsIndexComplete(client, table, at);
    } else if (!hasFindingsIndex(current) || upgrading) {
      if (options.rebuild ?? startedHere) await rebuildWithFindingsIndex(client, table, at);
      else if (current && !hasFindingsIndex(current)) await addFindingsIndex(client, table);
    }
  } finally {
    client.destroy();
  }
}
