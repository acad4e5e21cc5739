import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY_KEY, S3Registry } from '#shared/aws/registry.ts';
import { startStoreProcess } from '#shared/local/store-process.ts';
import { makeS3Client } from '#shared/store/clients.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * `nianbao registry push` as an operator runs it (the CLI in a child process), against s3rver, and the
 * registry as a function reads it (S3Registry): validated push, nothing written on a bad entry, a new push
 * seen at the next refresh, a missing registry a clear error.
 */
describe('nianbao registry push → s3://bucket/registry/bodies.json → the functions', () => {
  let dir: string;
  let stores: Awaited<ReturnType<typeof startStoreProcess>>;
  let s3: S3Client;
  let env: NodeJS.ProcessEnv;
  let seeds: { bodies: Array<Record<string, unknown>> };

  const push = async (file: string) => {
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'shared/local/cli.ts', 'registry', 'push', file], {
        cwd: ROOT,
        env,
      });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout + e.stderr };
    }
  };
  const exists = async (key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: 'push-raw', Key: key })).then(
      () => true,
      () => false,
    );
  const writeRegistry = async (name: string, bodies: unknown[]) => {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify({ bodies }));
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-push-'));
    stores = await startStoreProcess(join(dir, 'data'), 'push-raw', () => undefined);
    s3 = makeS3Client({ region: 'eu-west-1', s3Endpoint: stores.s3Endpoint });
    env = {
      ...process.env,
      AWS_REGION: 'eu-west-1',
      NIANBAO_BUCKET: 'push-raw',
      NIANBAO_S3_ENDPOINT: stores.s3Endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    seeds = JSON.parse(await readFile(join(ROOT, 'seeds/bodies.json'), 'utf8'));
  }, 120_000);

  afterAll(async () => {
    await stores?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a file with bad entries, naming each, and writes nothing', async () => {
    const bad = await writeRegistry('bad.json', [
      ...seeds.bodies,
      {
        id: '999999',
        name: '无此县',
        level: 'county',
        divisionCode: '999999',
        listingUrl: 'http://x.gov.cn/',
      },
      { ...seeds.bodies[0] },
    ]);
    const result = await push(bad);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/not pushed \(nothing written\)/);
    expect(result.out).toMatch(/registry entry #5 \(999999\): divisionCode 999999 is not a GB\/T 2260 code/);
    expect(result.out).toMatch(/registry entry #6 \(360802\): duplicate id/);
    expect(result.out).not.toMatch(/at .*\.ts:\d+/);
    expect(await exists(DEFAULT_REGISTRY_KEY)).toBe(false);
  });

  it('uploads a valid file; a function reads it, keeps it until the refresh, then sees the next push', async () => {
    let clock = 0;
    const reader = new S3Registry({
      s3,
      bucket: 'push-raw',
      key: DEFAULT_REGISTRY_KEY,
      refreshMs: 60_000,
      now: () => clock,
    });
    await expect(reader.get()).rejects.toThrow(
      'no registry at s3://push-raw/registry/bodies.json: push one with `nianbao registry push <file>`',
    );

    const all = await push(await writeRegistry('all.json', seeds.bodies));
    expect(all).toMatchObject({ code: 0 });
    expect(all.out).toMatch(/pushed 5 bodies to s3:\/\/push-raw\/registry\/bodies\.json/);
    const first = await reader.get();
    expect({ n: first.bodies.length, changed: first.changed }).toEqual({ n: 5, changed: true });
    // Parents are filled in by the loader, as locally.
    expect(first.bodies[0]?.parents.length).toBeGreaterThan(0);

    expect((await push(await writeRegistry('two.json', seeds.bodies.slice(0, 2)))).code).toBe(0);
    const cached = await reader.get();
    expect({ n: cached.bodies.length, changed: cached.changed }).toEqual({ n: 5, changed: false });
    clock += 60_000;
    const refreshed = await reader.get();
    expect({ n: refreshed.bodies.length, changed: refreshed.changed }).toEqual({ n: 2, changed: true });
    clock += 60_000;
    // Unchanged: the HEAD finds the same ETag and the bodies stay.
    expect((await reader.get()).changed).toBe(false);
  });

  it('keeps the registry it has when a refresh finds a broken object, and says so', async () => {
    const kept: string[] = [];
    let clock = 0;
    const reader = new S3Registry({
      s3,
      bucket: 'push-raw',
      key: DEFAULT_REGISTRY_KEY,
      refreshMs: 1,
      now: () => clock,
      onStaleKept: (e) => kept.push(e.message),
    });
    const before = (await reader.get()).bodies.length;
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.send(
      new PutObjectCommand({ Bucket: 'push-raw', Key: DEFAULT_REGISTRY_KEY, Body: '{"bodies":[{"id":1}]}' }),
    );
    clock += 10;
    expect((await reader.get()).bodies.length).toBe(before);
    expect(kept).toEqual([
      expect.stringMatching(/^invalid registry s3:\/\/push-raw\/registry\/bodies\.json:/),
    ]);
  });
});
