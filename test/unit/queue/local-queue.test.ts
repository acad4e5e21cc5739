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

describe('LocalQueue work per message', () => {
  /** Heap steps per message for n messages in `groups` FIFO groups plus as many without a group. */
  async function workPerMessage(n: number, groups: number): Promise<number> {
    const q = new LocalQueue<number>({ name: 'w', concurrency: 8, visibilityTimeoutMs: 1, maxReceives: 2 });
    let handled = 0;
    for (let i = 0; i < n; i += 1) await q.send(i, i % 2 ? { groupId: `h${i % groups}` } : {});
    q.consume(async (m) => {
      handled += 1;
      // Every 100th message fails once: retries go through the delayed heap.
      if (m % 100 === 0 && handled % 2 === 1) throw new Error('once');
    });
    await q.drain();
    expect(q.depth).toBe(0);
    return q.work / n;
  }

  it('grows with log n, not n: 100 times the messages cost less than twice the work each', async () => {
    const small = await workPerMessage(1_000, 50);
    const large = await workPerMessage(100_000, 5_000);
    // A scan of the waiting messages per delivery would multiply the work per message by ~100.
    expect(large).toBeLessThan(small * 2);
    expect(large).toBeLessThan(4 * Math.log2(100_000));
  });

  it('delivers every message once, each group in order, retried ones included', async () => {
    const q = new LocalQueue<{ g: string; n: number }>({
      name: 't',
      concurrency: 8,
      visibilityTimeoutMs: 2,
      maxReceives: 3,
    });
    const seen: string[] = [];
    const failed = new Set<string>();
    for (let n = 0; n < 50; n += 1) for (const g of ['a', 'b', 'c']) await q.send({ g, n }, { groupId: g });
    q.consume(async (m) => {
      const key = `${m.g}${m.n}`;
      if (m.n % 7 === 3 && !failed.has(key)) {
        failed.add(key);
        throw new Error('first try');
      }
      seen.push(key);
    });
    await q.drain();
    expect(seen).toHaveLength(150);
    for (const g of ['a', 'b', 'c'])
      expect(seen.filter((s) => s.startsWith(g))).toEqual(Array.from({ length: 50 }, (_, n) => `${g}${n}`));
  });
});
