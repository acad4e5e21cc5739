import { describe, expect, it } from 'vitest';
import { LocalQueue } from '#shared/queue/local-queue.ts';

describe('LocalQueue send({ delaySeconds })', () => {
  it('holds a delayed message back (SQS DelaySeconds) while others pass it; drain waits for it', async () => {
    const q = new LocalQueue<string>({ name: 'delay', concurrency: 1 });
    const seen: string[] = [];
    q.consume(async (m) => {
      seen.push(m);
    });
    await q.send('later', { delaySeconds: 1 });
    expect((await q.measure()).waiting).toBe(1);
    // Sent second, delivered first: the first one is not visible for a second (no clock bound asserted).
    await q.send('now');
    await q.drain();
    expect(seen).toEqual(['now', 'later']);
    q.close();
  });

  it('ignores the delay of a message in a FIFO group, as SQS FIFO queues have no per-message delay', async () => {
    const q = new LocalQueue<string>({ name: 'fifo', concurrency: 1 });
    const seen: string[] = [];
    q.consume(async (m) => {
      seen.push(m);
    });
    await q.send('grouped', { groupId: 'g', delaySeconds: 900 });
    await q.drain();
    expect(seen).toEqual(['grouped']);
    q.close();
  });
});
