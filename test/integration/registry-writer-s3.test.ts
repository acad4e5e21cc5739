import { readFile } from 'node:fs/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { putRegistry, S3Registry, validateForPush } from '#shared/aws/registry.ts';
import { s3RegistryWriter } from '#shared/aws/registry-writer.ts';
import type { Body } from '#shared/domain/body.ts';
import { loadRegistry } from '#shared/domain/registry.ts';
import { makeS3Client } from '#shared/store/clients.ts';
import { startS3rverWithIfMatch } from '../support/s3rver-if-match.ts';

const BUCKET = 'registry-writer';
const KEY = 'registry/bodies.json';
const ROOT = new URL('../..', import.meta.url).pathname;

/** One entry as the admin route passes it: validated alone by the loader. */
const entry = (raw: Record<string, unknown>): Body => {
  const { bodies, errors } = loadRegistry({ bodies: [raw] });
  if (!bodies[0]) throw new Error(errors.map((e) => e.message).join('; '));
  return bodies[0];
};

/**
 * The admin API's registry writer in Lambda (shared/aws/registry-writer.ts) against s3rver on loopback,
 * with S3's If-Match on PutObject answered by test/support/s3rver-if-match.ts (s3rver alone ignores it).
 */
describe('registry entries written to the S3 registry object (If-Match read-modify-write)', () => {
  let server: Awaited<ReturnType<typeof startS3rverWithIfMatch>>;
  let s3: S3Client;
  let seeds: Array<Record<string, unknown>>;
  const stored = async (): Promise<string> => {
    const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    return (await res.Body?.transformToString('utf8')) ?? '';
  };
  const storedIds = async () =>
    (JSON.parse(await stored()) as { bodies: Array<{ id: string }> }).bodies.map((b) => b.id);

  beforeAll(async () => {
    server = await startS3rverWithIfMatch(BUCKET);
    s3 = makeS3Client({ region: 'eu-west-1', s3Endpoint: server.endpoint });
    seeds = (JSON.parse(await readFile(`${ROOT}seeds/bodies.json`, 'utf8')) as { bodies: typeof seeds })
      .bodies;
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });
  beforeEach(async () => {
    const checked = validateForPush({ bodies: seeds });
    if (!checked.ok) throw new Error('seeds invalid');
    await putRegistry(s3, BUCKET, KEY, checked.bodies);
  });

  const newCounty = (id: string, name: string) =>
    entry({
      id,
      name,
      level: 'county',
      divisionCode: id,
      listingUrl: `https://${id}.example.gov.cn/xxgk/ndbg/`,
    });

  it('adds a new entry: written to S3, set in the running map with its parents, seen by a reader on refresh', async () => {
    const registry = new Map<string, Body>();
    let clock = 0;
    const reader = new S3Registry({ s3, bucket: BUCKET, key: KEY, refreshMs: 1, now: () => clock });
    expect((await reader.get()).bodies).toHaveLength(seeds.length);

    const writer = s3RegistryWriter({ s3, bucket: BUCKET, key: KEY, registry });
    const body = newCounty('360821', '吉安县人民政府');
    expect(await writer.upsert(body)).toEqual({ created: true });
    expect(await storedIds()).toEqual([...seeds.map((b) => b.id), '360821']);
    expect(registry.get('360821')?.parents.map((p) => p.code)).toEqual(['36', '3608']);
    // The stored entry is spelled as the registry file spells it: no derived parents.
    expect(JSON.parse(await stored()).bodies.at(-1)).not.toHaveProperty('parents');

    clock += 10;
    const seen = await reader.get();
    expect(seen.changed).toBe(true);
    expect(seen.bodies.map((b) => b.id)).toContain('360821');
  });

  it('replaces the entry with the same id in place, keeping the order of the others', async () => {
    const first = seeds[0] as { id: string; name: string };
    const writer = s3RegistryWriter({ s3, bucket: BUCKET, key: KEY, registry: new Map() });
    const renamed = entry({ ...first, name: `${first.name}（更名）` });
    expect(await writer.upsert(renamed)).toEqual({ created: false });
    const doc = JSON.parse(await stored()) as { bodies: Array<{ id: string; name: string }> };
    expect(doc.bodies.map((b) => b.id)).toEqual(seeds.map((b) => b.id));
    expect(doc.bodies[0]?.name).toBe(`${first.name}（更名）`);
  });

  it('loses neither of two writers: the one whose object changed since it read gets 412 and tries again', async () => {
    const racing = makeS3Client({ region: 'eu-west-1', s3Endpoint: server.endpoint });
    const other = s3RegistryWriter({ s3, bucket: BUCKET, key: KEY, registry: new Map() });
    let injected = 0;
    // Between this writer's read and its first PutObject, the other writer adds its entry.
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand' && injected++ === 0) {
          await other.upsert(newCounty('360821', '吉安县人民政府'));
        }
        return next(args);
      },
      { step: 'initialize', name: 'interleaveAnotherWriter' },
    );
    const failuresBefore = server.preconditionFailures();
    const writer = s3RegistryWriter({ s3: racing, bucket: BUCKET, key: KEY, registry: new Map() });
    expect(await writer.upsert(newCounty('360822', '吉水县人民政府'))).toEqual({ created: true });
    racing.destroy();
    expect(server.preconditionFailures() - failuresBefore).toBe(1);
    expect(await storedIds()).toEqual([...seeds.map((b) => b.id), '360821', '360822']);
  });

  it('writes nothing when the registry in S3 has an invalid entry (a hand edit), naming it', async () => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const broken = JSON.stringify({ bodies: [...seeds, { id: '999999', name: '无此县', level: 'county' }] });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: broken }));
    const registry = new Map<string, Body>();
    const writer = s3RegistryWriter({ s3, bucket: BUCKET, key: KEY, registry });
    await expect(writer.upsert(newCounty('360821', '吉安县人民政府'))).rejects.toThrow(
      /registry s3:\/\/registry-writer\/registry\/bodies\.json would be invalid with 360821; nothing written:\n {2}registry entry #5 \(999999\)/,
    );
    expect(await stored()).toBe(broken);
    expect(registry.size).toBe(0);
  });

  it('says to push a registry first when there is none', async () => {
    const writer = s3RegistryWriter({ s3, bucket: BUCKET, key: 'registry/absent.json', registry: new Map() });
    await expect(writer.upsert(newCounty('360821', '吉安县人民政府'))).rejects.toThrow(
      'no registry at s3://registry-writer/registry/absent.json: push one with `nianbao registry push <file>` first',
    );
  });

  it('gives up with a sentence when the object keeps changing under it', async () => {
    const racing = makeS3Client({ region: 'eu-west-1', s3Endpoint: server.endpoint });
    const other = s3RegistryWriter({ s3, bucket: BUCKET, key: KEY, registry: new Map() });
    let n = 0;
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') {
          n += 1;
          await other.upsert(newCounty('360821', `吉安县人民政府${n}`));
        }
        return next(args);
      },
      { step: 'initialize', name: 'alwaysAnotherWriterFirst' },
    );
    const writer = s3RegistryWriter({
      s3: racing,
      bucket: BUCKET,
      key: KEY,
      registry: new Map(),
      attempts: 3,
    });
    await expect(writer.upsert(newCounty('360822', '吉水县人民政府'))).rejects.toThrow(
      'the registry s3://registry-writer/registry/bodies.json changed under 3 attempts to write 360822: try again',
    );
    racing.destroy();
    expect(n).toBe(3);
    expect(await storedIds()).not.toContain('360822');
  });
});
