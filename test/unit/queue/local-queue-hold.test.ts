import { describe, expect, it } from 'vitest';
import { LocalQueue } from '#shared/queue/local-queue.ts';

describe('LocalQueue.hold()', () => {
  it('delivers nothing while held, then everything in order once released', async () => {
    const q = new LocalQueue<number>({ name: 'held', concurrency: 1 });
    const seen: number[] = [];
    q.consume(async (n) => {
      seen.push(n);
    });
    const release = q.hold();
    for (const n of [1, 2, 3]) await q.send(n);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    expect(await q.measure()).toEqual({ queue: 'held', waiting: 3, inFlight: 0, deadLetters: 0 });
    release();
    release();
    await q.drain();
    expect(seen).toEqual([1, 2, 3]);
    expect(await q.measure()).toEqual({ queue: 'held', waiting: 0, inFlight: 0, deadLetters: 0 });
    q.close();
  });
});
