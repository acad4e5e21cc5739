import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/**
 * s3rver on loopback with S3's `If-Match` on PutObject (S3 conditional writes: 412 PreconditionFailed when
 * the object's ETag is not the one given, or the object is absent). s3rver 3.7 ignores the header, so it is
 * answered here before s3rver's routes (path-style requests, as our clients send); conditional PUTs are
 * taken one at a time, so the check and the write cannot interleave with another conditional PUT.
 * `preconditionFailures()` counts the 412s answered, so a test can assert a conflict really happened.
 */
export async function startS3rverWithIfMatch(bucket: string): Promise<{
  endpoint: string;
  preconditionFailures: () => number;
  close: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-s3-if-match-'));
  const s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  // s3rver's filesystem store: getMetadata gives the object's ETag as S3 spells it ("<md5>"), or throws.
  const store = s3.store as unknown as { getMetadata(b: string, k: string): Promise<{ etag: string }> };
  let failures = 0;
  let tail: Promise<unknown> = Promise.resolve();
  s3.middleware.unshift(async (ctx, next) => {
    const expected = ctx.get('if-match');
    if (ctx.method !== 'PUT' || !expected || ctx.get('x-amz-copy-source')) return next();
    const [name, ...key] = ctx.path.slice(1).split('/').map(decodeURIComponent);
    const turn = tail.then(async () => {
      const current = await store
        .getMetadata(name as string, key.join('/'))
        .then((m) => m.etag)
        .catch(() => null);
      if (current === expected) return next();
      failures += 1;
      for await (const _ of ctx.req); // the body unread would break the client's keep-alive connection
      ctx.status = 412;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-Match</Condition></Error>`;
    });
    tail = turn.catch(() => undefined);
    await turn;
  });
  const address = await s3.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    preconditionFailures: () => failures,
    async close() {
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
