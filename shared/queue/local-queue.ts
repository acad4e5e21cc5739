import { randomUUID } from 'node:crypto';
import type { Queue, QueueDepth, SendOptions } from './queue.ts';

interface Envelope<T> {
  id: string;
  /** Send order: FIFO across the queue, and within a group. */
  seq: number;
  body: T;
  groupId: string | undefined;
  receiveCount: number;
  visibleAt: number;
}

/** A FIFO message group: its messages in order from `head`; `busy` while its head is in flight. */
interface Group<T> {
  id: string;
  items: Envelope<T>[];
  head: number;
  busy: boolean;
}

/** What can be delivered: a message without a group, or a group (its head message). */
type Unit<T> = { env: Envelope<T>; group?: undefined } | { env?: undefined; group: Group<T> };
type Keyed<T> = Unit<T> & { key: number };

/** A binary min-heap on `key`: O(log n) push and pop. `steps` counts sift steps (work, for tests). */
class MinHeap<T> {
  private readonly items: Keyed<T>[] = [];
  steps = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): Keyed<T> | undefined {
    return this.items[0];
  }

  push(item: Keyed<T>): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      this.steps += 1;
      const parent = (i - 1) >> 1;
      if (a[parent]!.key <= item.key) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = item;
  }

  pop(): Keyed<T> | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      this.steps += 1;
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const c = l + 1 < a.length && a[l + 1]!.key < a[l]!.key ? l + 1 : l;
      if (a[c]!.key >= last.key) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

export interface DeadLetter<T> {
  body: T;
  receiveCount: number;
  error: string;
}

export interface LocalQueueOptions {
  name: string;
  /** Handlers running at once (Lambda concurrency). */
  concurrency?: number;
  /** A failed message becomes visible again after this long (SQS visibility timeout). */
  visibilityTimeoutMs?: number;
  /** Receives before a message moves to the dead letters (SQS maxReceiveCount). */
  maxReceives?: number;
  dedupWindowMs?: number;
  onDeadLetter?: (letter: DeadLetter<unknown>, queue: string) => void;
}

/**
 * An in-process queue with the SQS semantics the pipeline relies on: at-least-once delivery,
 * retry after a visibility timeout, dead letters after max receives, FIFO message groups
 * (one message in flight per group) and deduplication ids. Each message costs O(log n) (n: messages and groups
 * waiting): groups keep their own FIFO, and a heap by send order holds what is deliverable now, another by
 * visibility time what waits for a retry; nothing scans the queue.
 */
export class LocalQueue<T> implements Queue<T> {
  readonly deadLetters: DeadLetter<T>[] = [];
  /** Deliverable now, by send order. */
  private readonly ready = new MinHeap<T>();
  /** Waiting for their visibility time (a retried message, or a group whose head is retried). */
  private readonly delayed = new MinHeap<T>();
  /** Groups with messages waiting or in flight. */
  private readonly groups = new Map<string, Group<T>>();
  private readonly dedup = new Map<string, number>();
  /** Dedup ids in send order, so expired ones leave the map (amortised O(1) a send). */
  private readonly dedupOrder: Array<{ id: string; at: number }> = [];
  private dedupHead = 0;
  private seq = 0;
  private waiting = 0;
  private inFlight = 0;
  /** Holds taken (hold()); nothing is delivered while any is. */
  private holds = 0;
  private handler: ((message: T) => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceives: number;
  private readonly dedupWindowMs: number;

  constructor(private readonly options: LocalQueueOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 1000;
    this.maxReceives = options.maxReceives ?? 3;
    this.dedupWindowMs = options.dedupWindowMs ?? 5 * 60_000;
  }

  get name(): string {
    return this.options.name;
  }

  get depth(): number {
    return this.waiting + this.inFlight;
  }

  /** Its depth: waiting (visible, delayed or waiting to retry: SQS counts the last two apart), in flight, dead letters. */
  measure(): Promise<QueueDepth> {
    return Promise.resolve({
      queue: this.options.name,
      waiting: this.waiting,
      inFlight: this.inFlight,
      deadLetters: this.deadLetters.length,
    });
  }

  /**
   * Heap steps taken so far (sift comparisons in the ready and delayed heaps): the queue's work, which
   * grows as O(log n) per message (n: messages and groups waiting), never with a scan of the queue.
   */
  get work(): number {
    return this.ready.steps + this.delayed.steps;
  }

  consume(handler: (message: T) => Promise<void>): void {
    this.handler = handler;
    this.pump();
  }

  async send(body: T, options: SendOptions = {}): Promise<void> {
    const now = Date.now();
    if (options.dedupId) {
      this.expireDedup(now);
      const seen = this.dedup.get(options.dedupId);
      if (seen !== undefined && now - seen < this.dedupWindowMs) return;
      this.dedup.set(options.dedupId, now);
      this.dedupOrder.push({ id: options.dedupId, at: now });
    }
    // As SQS: a per-message delay on a message without a group (FIFO queues have none).
    const delayMs =
      options.groupId === undefined ? Math.min(900, Math.max(0, options.delaySeconds ?? 0)) * 1000 : 0;
    const env: Envelope<T> = {
      id: randomUUID(),
      seq: this.seq++,
      body,
      groupId: options.groupId,
      receiveCount: 0,
      visibleAt: now + delayMs,
    };
    this.waiting += 1;
    if (env.groupId === undefined) {
      if (delayMs > 0) this.delayed.push({ key: env.visibleAt, env });
      else this.ready.push({ key: env.seq, env });
    } else {
      const group = this.groups.get(env.groupId);
      if (group) group.items.push(env);
      else {
        // A group new to the queue (or emptied before) is deliverable at once.
        const fresh: Group<T> = { id: env.groupId, items: [env], head: 0, busy: false };
        this.groups.set(fresh.id, fresh);
        this.ready.push({ key: env.seq, group: fresh });
      }
    }
    this.pump();
  }

  /** Resolves once nothing is waiting or in flight (messages sent by handlers included). */
  drain(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.handler = undefined;
  }

  /**
   * Stops delivering until the returned release is called (messages sent meanwhile wait, in order; those
   * in flight finish): what a stopped consumer looks like, e.g. a Lambda throttled to zero. Returns the
   * release; calling it twice is harmless.
   */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      this.pump();
    };
  }

  private pump(): void {
    if (!this.handler || this.holds > 0) return;
    const now = Date.now();
    for (let d = this.delayed.peek(); d && d.key <= now; d = this.delayed.peek()) {
      this.delayed.pop();
      const seq = d.env ? d.env.seq : d.group.items[d.group.head]!.seq;
      this.ready.push(d.env ? { key: seq, env: d.env } : { key: seq, group: d.group });
    }
    while (this.inFlight < this.concurrency && this.ready.size > 0) {
      const unit = this.ready.pop()!;
      if (unit.env) void this.run(unit.env, undefined);
      else {
        unit.group.busy = true;
        void this.run(unit.group.items[unit.group.head]!, unit.group);
      }
    }
    this.schedule(now);
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private schedule(now: number): void {
    const next = this.delayed.peek()?.key ?? Number.POSITIVE_INFINITY;
    if (next === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, next - now),
    );
  }

  private async run(envelope: Envelope<T>, group: Group<T> | undefined): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    this.waiting -= 1;
    this.inFlight += 1;
    envelope.receiveCount += 1;
    try {
      await handler(envelope.body);
      if (group) group.head += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (envelope.receiveCount >= this.maxReceives) {
        const letter = { body: envelope.body, receiveCount: envelope.receiveCount, error: message };
        this.deadLetters.push(letter);
        this.options.onDeadLetter?.(letter, this.options.name);
        if (group) group.head += 1;
      } else {
        envelope.visibleAt = Date.now() + this.visibilityTimeoutMs;
        this.waiting += 1;
        // Ungrouped: back in send order once visible. Grouped: it stays its group's head, so the
        // group's later messages wait for it (FIFO order within a group).
        if (!group) this.delayed.push({ key: envelope.visibleAt, env: envelope });
      }
    } finally {
      this.inFlight -= 1;
      if (group) this.release(group);
      this.pump();
    }
  }

  /** A group's head is done (or retried later): the group is deliverable again, waits, or leaves. */
  private release(group: Group<T>): void {
    group.busy = false;
    if (group.head > 1024 && group.head * 2 > group.items.length) {
      group.items.splice(0, group.head);
      group.head = 0;
    }
    const head = group.items[group.head];
    if (!head) {
      this.groups.delete(group.id);
      return;
    }
    if (head.visibleAt <= Date.now()) this.ready.push({ key: head.seq, group });
    else this.delayed.push({ key: head.visibleAt, group });
  }

  private expireDedup(now: number): void {
    const order = this.dedupOrder;
    while (this.dedupHead < order.length && now - order[this.dedupHead]!.at >= this.dedupWindowMs) {
      const { id, at } = order[this.dedupHead]!;
      if (this.dedup.get(id) === at) this.dedup.delete(id);
      this.dedupHead += 1;
    }
    if (this.dedupHead > 1024 && this.dedupHead * 2 > order.length) {
      order.splice(0, this.dedupHead);
      this.dedupHead = 0;
    }
  }
}
