import { z } from 'zod';

/** Messages between stages; every consumer parses them (events are a boundary). */
export const CrawlMessage = z.object({
  type: z.literal('crawl'),
  bodyId: z.string(),
  reason: z.string(),
  /**
   * The n-th continuation of a crawl cut short by its time budget (crawl-body.ts): the next invocation
   * resumes the saved walk and the links left. Absent on a scheduled or manual crawl.
   */
  continuation: z.number().int().min(1).optional(),
});
export type CrawlMessage = z.infer<typeof CrawlMessage>;

export const ParseMessage = z.object({
  type: z.literal('parse'),
  bodyId: z.string(),
  rawKey: z.string(),
  /** Re-parse of archived content: re-run rules, alert only new findings. */
  reparse: z.boolean().default(false),
  /** Archived attachments of the page, parsed with it when the page itself only links the report. */
  attachmentKeys: z.array(z.string()).default([]),
  /** The candidate link this page came from: the parse stage marks it parsed (a link is done then). */
  linkUrl: z.string().optional(),
});
export type ParseMessage = z.infer<typeof ParseMessage>;

export const AlertMessage = z.object({
  type: z.literal('alert'),
  alertId: z.string(),
  /** How many times this alert was sent again because a robot's limit held posts back (alert-stage.ts). */
  requeued: z.number().int().min(0).optional(),
});
export type AlertMessage = z.infer<typeof AlertMessage>;

export interface SendOptions {
  /** FIFO message group: one portal host is never crawled by two consumers at once. */
  groupId?: string;
  /** Duplicate sends with the same id inside the dedup window are dropped. */
  dedupId?: string;
  /**
   * Seconds before the message can be received (0–900; SQS DelaySeconds). Standard queues only: SQS FIFO
   * queues have no per-message delay, so a message with a `groupId` ignores it (here and in SQS).
   */
  delaySeconds?: number;
}

/**
 * How many messages a queue holds, as SQS counts them (GetQueueAttributes): `waiting` is
 * ApproximateNumberOfMessages (visible, not yet received), `inFlight` ApproximateNumberOfMessagesNotVisible
 * (received, not yet deleted or failed back), `deadLetters` the same count of its dead-letter queue (null:
 * it has none, or it cannot be read). SQS's numbers are approximate (eventually consistent, about a minute).
 */
export interface QueueDepth {
  /** The queue's own name (the SQS queue name, or the in-process queue's). */
  queue: string;
  waiting: number;
  inFlight: number;
  deadLetters: number | null;
}

/** The producer side shared by SQS and the in-process queues. */
export interface Queue<T> {
  send(message: T, options?: SendOptions): Promise<void>;
  /** Its depth now; absent where the runtime cannot see the queue (a function not bound to it). */
  measure?(): Promise<QueueDepth>;
}
