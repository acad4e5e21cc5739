import { describe, expect, it } from 'vitest';
import { WriteBehind } from '#shared/crawl/write-behind.ts';

/** A write that ends when `done()` is called, recording its start and end in `log`. */
function pendingWrite(log: string[], name: string) {
  let done!: () => void;
  const ended = new Promise<void>((r) => {
    done = r;
  });
  return {
    done,
    write: async () => {
      log.push(`start ${name}`);
      await ended;
      log.push(`end ${name}`);
    },
  };
}

describe('WriteBehind', () => {
  it('runs writes one after another in the order queued, without holding the caller', async () => {
    const log: string[] = [];
    const writes = new WriteBehind();
    const a = pendingWrite(log, 'snapshot');
    const b = pendingWrite(log, 'links');
    writes.queue(a.write);
    writes.queue(b.write);
    log.push('caller goes on');
    await Promise.resolve();
    b.done();
    a.done();
    await writes.settle();
    expect(log).toEqual(['caller goes on', 'start snapshot', 'end snapshot', 'start links', 'end links']);
  });

  it('throws the first failure when settled, drops the writes queued after it, and says it failed', async () => {
    const writes = new WriteBehind();
    const ran: string[] = [];
    writes.queue(async () => {
      ran.push('snapshot');
      throw new Error('S3 PutObject failed');
    });
    writes.queue(async () => {
      ran.push('walk');
    });
    await expect(writes.settle()).rejects.toThrow('S3 PutObject failed');
    expect(writes.failed).toBe(true);
    expect(ran).toEqual(['snapshot']);
    await writes.idle();
  });

  it('settles at once with nothing queued', async () => {
    const writes = new WriteBehind();
    await writes.settle();
    expect(writes.failed).toBe(false);
  });
});
