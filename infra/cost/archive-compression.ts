/**
 * Measures what the archive's compression saves: the demo cycle on the demo portal (five seed bodies, their
 * real report texts in their portals' markup), then every object the archive wrote, by kind, as S3 holds
 * it (stored bytes, Content-Encoding) against its original bytes. `npx tsx infra/cost/archive-compression.ts`.
 *
 * Then the CPU of compressing those text objects again at Brotli quality 6 (the archive's) and 11, per KB.
 *
 * The stores run in their own process (s3rver), as S3 is remote in Lambda; the bytes are read back with
 * GetObject, not computed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
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

/** CPU of compressing every text object again at each Brotli quality, per KB of original bytes. */
const qualities = [6, 11].map((quality) => ({ quality, cpuMs: 0, kb: 0, stored: 0 }));
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
    if (res.ContentEncoding) {
      const bytes = key.startsWith('parsed/')
        ? Buffer.from(JSON.stringify(await rt.ctx.archive.getJson(key)))
        : (await rt.ctx.archive.get(key)).bytes;
      for (const q of qualities) {
        const cpu = process.cpuUsage();
        const packed = brotliCompressSync(bytes, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: q.quality,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
          },
        });
        const used = process.cpuUsage(cpu);
        q.cpuMs += (used.user + used.system) / 1000;
        q.kb += bytes.byteLength / 1024;
        q.stored += packed.byteLength;
      }
    }
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
const cpu = qualities.map((q) => ({
  quality: q.quality,
  cpuMsPerKb: Number((q.cpuMs / q.kb).toFixed(3)),
  ratio: Number(((q.kb * 1024) / q.stored).toFixed(2)),
}));
console.log(JSON.stringify({ archived: out, textCompressedAgain: cpu }, null, 2));
s3.destroy();
await rt.close();
await portal.close();
await rm(dir, { recursive: true, force: true });
process.exit(0);
