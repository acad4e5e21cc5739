import { describe, expect, it } from 'vitest';
import { LocalQueue } from '#shared/queue/local-queue.ts';

describe('LocalQueue', () => {
  it('retries a failing message after the visibility timeout and delivers it at least once', async () => {
    const q = new LocalQueue<string>({ name: 't', visibilityTimeoutMs: 5, maxReceives: 3 });
    const attempts: string[] = [];
    q.consume(async (m) => {
      attempts.push(m);
      if (attempts.length < 3) throw new Error('flaky');
    });

    await q.send('a');
    await q.drain();

    expect(attempts).toEqual(['a', 'a', 'a']);
    expect(q.deadLetters).toEqual([]);
  });

  it('moves a message to the dead letters after max receives, keeping its last error', async () => {
    const letters: unknown[] = [];
    const q = new LocalQueue<string>({
      name: 't',
      visibilityTimeoutMs: 1,
      maxReceives: 2,
      onDeadLetter: (l) => letters.push(l),
    });
    q.consume(async () => {
      throw new Error('always');
    });

    await q.send('bad');
    await q.drain();

    expect(q.deadLetters).toEqual([{ body: 'bad', receiveCount: 2, error: 'always' }]);
    expect(letters).toHaveLength(1);
  });

  it('keeps one message in flight per group, in order, while other groups run in parallel', async () => {
    const q = new LocalQueue<{ g: string; n: number }>({ name: 't', concurrency: 4 });
    const inFlight = new Map<string, number>();
    let maxPerGroup = 0;
    let maxTotal = 0;
    const order: string[] = [];
    q.consume(async (m) => {
      inFlight.set(m.g, (inFlight.get(m.g) ?? 0) + 1);
      maxPerGroup = Math.max(maxPerGroup, inFlight.get(m.g)!);
      maxTotal = Math.max(
        maxTotal,
        [...inFlight.values()].reduce((a, b) => a + b, 0),
      );
      await new Promise((r) => setTimeout(r, 5));
      order.push(`${m.g}${m.n}`);
      inFlight.set(m.g, inFlight.get(m.g)! - 1);
    });

    for (let n = 0; n < 3; n += 1) for (const g of ['a', 'b', 'c']) await q.send({ g, n }, { groupId: g });
    await q.drain();

    expect(maxPerGroup).toBe(1);
    expect(maxTotal).toBeGreaterThan(1);
    for (const g of ['a', 'b', 'c'])
      expect(order.filter((o) => o.startsWith(g))).toEqual([`${g}0`, `${g}1`, `${g}2`]);
  });

  it('drops a duplicate send with the same deduplication id', async () => {
    const q = new LocalQueue<string>({ name: 't' });
    const seen: string[] = [];
    q.consume(async (m) => {
      seen.push(m);
    });

    await q.send('x', { dedupId: 'same' });
    await q.send('x', { dedupId: 'same' });
    await q.send('y', { dedupId: 'other' });
    await q.drain();

    expect(seen).toEqual(['x', 'y']);
  });
});
