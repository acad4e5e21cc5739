/**
 * Measures what the archive's compression saves: the demo cycle on the demo portal (five seed bodies, their
 * real report texts in their portals' markup), then every object the archive wrote, by kind, as S3 holds
 * it (stored bytes, Content-Encoding) against its original bytes. `npx tsx infra/cost/archive-compression.ts`.
 *
 * The stores run in their own process (s3rver), as S3 is remote in Lambda; the bytes are read back with
 * GetObject, not computed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { startRuntime } from '#shared/local/runtime.ts';
import { makeS3Client } from '#shared/store/clients.ts';

const dir = await mkdtemp(join(tmpdir(), 'nianbao-compression-'));
const portal = await startDemoPortal();
const config = loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0' });
const rt = await startRuntime({ config, originMap: portal.originMap, stores: 'own' });
await runCycle(rt, { force: true });
const { s3: s3Endpoint } = JSON.parse(await readFile(join(dir, 'stores.json'), 'utf8')) as { s3: string };
const s3 = makeS3Client({ region: config.AWS_REGION, s3Endpoint, standIns: { s3: true } });
const bucket = rt.ctx.archive.bucket;

const kinds = new Map<string, { objects: number; original: number; stored: number; encoded: number }>();
let token: string | undefined;
do {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
  for (const o of page.Contents ?? []) {
    const key = o.Key ?? '';
    if (!/^(raw|parsed)\//.test(key) || key.endsWith('.meta.json')) continue;
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const stored = (await res.Body?.transformToByteArray())?.byteLength ?? 0;
    const kind = key.startsWith('parsed/') ? 'parsed record' : (await rt.ctx.archive.getMeta(key)).kind;
    const original = key.startsWith('parsed/')
      ? Buffer.byteLength(JSON.stringify(await rt.ctx.archive.getJson(key)))
      : (await rt.ctx.archive.get(key)).bytes.byteLength;
    const k = kinds.get(kind) ?? { objects: 0, original: 0, stored: 0, encoded: 0 };
    k.objects += 1;
    k.original += original;
    k.stored += stored;
    if (res.ContentEncoding) k.encoded += 1;
    kinds.set(kind, k);
  }
  token = page.IsTruncated ? page.NextContinuationToken : undefined;
} while (token);

const out = Object.fromEntries(
  [...kinds].map(([kind, k]) => [kind, { ...k, ratio: Number((k.original / k.stored).toFixed(2)) }]),
);
console.log(JSON.stringify(out, null, 2));
s3.destroy();
await rt.close();
await portal.close();
await rm(dir, { recursive: true, force: true });
process.exit(0);
