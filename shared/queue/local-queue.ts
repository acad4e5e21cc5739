import { randomUUID } from 'node:crypto';
import type { Queue, SendOptions } from './queue.ts';

interface Envelope<T> {
  id: string;
  body: T;
  groupId: string | undefined;
  receiveCount: number;
  visibleAt: number;
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
 * (one message in flight per group) and deduplication ids.
 */
export class LocalQueue<T> implements Queue<T> {
  readonly deadLetters: DeadLetter<T>[] = [];
  private readonly waiting: Envelope<T>[] = [];
  private readonly busyGroups = new Set<string>();
  private readonly dedup = new Map<string, number>();
  private inFlight = 0;
  private handler: ((message: T) => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
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
    return this.waiting.length + this.inFlight;
  }

  consume(handler: (message: T) => Promise<void>): void {
    this.handler = handler;
    this.pump();
  }

  async send(body: T, options: SendOptions = {}): Promise<void> {
    const now = Date.now();
    if (options.dedupId) {
      const seen = this.dedup.get(options.dedupId);
      if (seen !== undefined && now - seen < this.dedupWindowMs) return;
      this.dedup.set(options.dedupId, now);
    }
    this.waiting.push({ id: randomUUID(), body, groupId: options.groupId, receiveCount: 0, visibleAt: now });
    this.pump();
  }

  /** Resolves once nothing is waiting or in flight (messages sent by handlers included). */
  drain(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.handler = undefined;
  }

  private next(now: number): Envelope<T> | undefined {
    const blocked = new Set<string>();
    for (let i = 0; i < this.waiting.length; i += 1) {
      const e = this.waiting[i]!;
      if (e.groupId !== undefined && (this.busyGroups.has(e.groupId) || blocked.has(e.groupId))) continue;
      if (e.visibleAt > now) {
        // Later messages of the same group must wait for this one (FIFO order within a group).
        if (e.groupId !== undefined) blocked.add(e.groupId);
        continue;
      }
      this.waiting.splice(i, 1);
      return e;
    }
    return undefined;
  }

  private pump(): void {
    if (!this.handler) return;
    const now = Date.now();
    while (this.inFlight < this.concurrency) {
      const envelope = this.next(now);
      if (!envelope) break;
      void this.run(envelope);
    }
    this.schedule(now);
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private schedule(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.waiting.filter((e) => e.visibleAt > now).map((e) => e.visibleAt);
    if (pending.length === 0) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.min(...pending) - now));
  }

  private async run(envelope: Envelope<T>): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    this.inFlight += 1;
    if (envelope.groupId !== undefined) this.busyGroups.add(envelope.groupId);
    envelope.receiveCount += 1;
    try {
      await handler(envelope.body);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (envelope.receiveCount >= this.maxReceives) {
        const letter = { body: envelope.body, receiveCount: envelope.receiveCount, error: message };
        this.deadLetters.push(letter);
        this.options.onDeadLetter?.(letter, this.options.name);
      } else {
        envelope.visibleAt = Date.now() + this.visibilityTimeoutMs;
        // Back at the front, so its group keeps FIFO order.
        this.waiting.unshift(envelope);
      }
    } finally {
      this.inFlight -= 1;
      if (envelope.groupId !== undefined) this.busyGroups.delete(envelope.groupId);
      this.pump();
    }
  }
}
