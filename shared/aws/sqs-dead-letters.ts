import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetterAccess, DeadLetterView } from '../api/options.ts';
import { ConfigError } from '../errors.ts';
import { queueUrlOfArn } from '../queue/sqs-queue.ts';

/** A work queue whose dead-letter queue the admins see, by the role the admin page names it with. */
export interface DeadLetterSource {
  role: string;
  /** The work queue's URL; its dead-letter queue is the one its RedrivePolicy names. */
  url: string;
}

export interface SqsDeadLettersOptions {
  sqs: SQSClient;
  sources: readonly DeadLetterSource[];
  /** Most messages read from one dead-letter queue per call (default 100); the rest wait for the next call. */
  maxPerQueue?: number;
  /**
   * Seconds the messages read stay invisible to others while a call runs (default 60); they are made
   * visible again (visibility 0) before the call returns, or come back by themselves after this if it crashed.
   */
  holdSeconds?: number;
  /**
   * Milliseconds after which `requeue` starts no new round (default 8,000): the API function has 15 s, and
   * a FIFO group shows its letters a few at a time. What is left is requeued by the next call.
   */
  requeueBudgetMs?: number;
  now?: () => number;
}

/** A dead letter read from its queue: the view, and what is needed to send it back or release it. */
interface Held {
  view: DeadLetterView;
  message: Message;
}

/**
 * The admins' view of one SQS message read from a dead-letter queue. The id is `<role>:<MessageId>`:
 * SQS keeps the MessageId when it moves a message to the dead-letter queue, and the ReceiptHandle changes
 * with every receive, so the MessageId is what stays stable while the letter waits. SQS keeps no error
 * with the message: `error` says where to find it. `receiveCount` is SQS's ApproximateReceiveCount less
 * this read (earlier admin listings count too). The body is the JSON the stage sent, or the raw text.
 */
export function deadLetterView(role: string, message: Message): DeadLetterView {
  const attrs = message.Attributes ?? {};
  const count = Number(attrs.ApproximateReceiveCount);
  const sent = Number(attrs.SentTimestamp);
  let body: unknown = message.Body ?? '';
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    // Not JSON: shown as the text SQS holds.
  }
  const since = Number.isFinite(sent) && sent > 0 ? ` (first sent ${new Date(sent).toISOString()})` : '';
  return {
    id: `${role}:${message.MessageId ?? ''}`,
    queue: role,
    body,
    error: `the ${role} stage gave up on it${since}; SQS keeps no error with a message: the reason is in the ${role} function's log`,
    receiveCount: Number.isFinite(count) ? Math.max(0, count - 1) : 0,
  };
}

/**
 * The dead letters of the work queues' SQS dead-letter queues, for the admin API in Lambda (the embedded
 * runtime has its own). Each DLQ is found from its source queue's RedrivePolicy (deadLetterTargetArn, read
 * once), so the function needs sqs:GetQueueAttributes on the sources.
 *
 * - `list()` reads up to `maxPerQueue` messages of each DLQ (ReceiveMessage, a short hold), then makes
 *   them visible again at once (ChangeMessageVisibilityBatch to 0): nothing is consumed, the order is kept.
 *   A FIFO DLQ shows only the first letters of each message group: SQS holds a group's later messages
 *   back while earlier ones are in flight, so they show once those are requeued.
 * - `requeue(ids?)` reads the same way; each chosen letter (every one when `ids` is absent) is SENT to its
 *   source queue first and then DELETED from the DLQ, in that order, so a crash in between leaves a
 *   duplicate (the stages are idempotent), never a lost letter. A FIFO source gets the letter's
 *   MessageGroupId and a deduplication id derived from its MessageId (a retried requeue within SQS's
 *   5-minute window is not sent twice); letters are sent one by one in the order read. The others are
 *   released. It reads again while a round requeued something (a FIFO group's next letters), up to
 *   `maxPerQueue` a queue and while `requeueBudgetMs` has not passed. Returns the ids requeued, in order; an id not found (already requeued, not
 *   shown yet, or beyond `maxPerQueue`) is left out. SQS's StartMessageMoveTask would move ALL of a DLQ, without telling which: not used.
 * Errors: a source with no RedrivePolicy → ConfigError naming it; SQS failures are thrown as the SDK's.
 */
export function sqsDeadLetters(o: SqsDeadLettersOptions): DeadLetterAccess {
  const max = o.maxPerQueue ?? 100;
  const hold = o.holdSeconds ?? 60;
  const budget = o.requeueBudgetMs ?? 8_000;
  const now = o.now ?? Date.now;
  const dlqUrls = new Map<string, Promise<string>>();

  const dlqOf = (source: DeadLetterSource): Promise<string> => {
    let url = dlqUrls.get(source.url);
    if (!url) {
      url = o.sqs
        .send(new GetQueueAttributesCommand({ QueueUrl: source.url, AttributeNames: ['RedrivePolicy'] }))
        .then((res) => {
          const policy = res.Attributes?.RedrivePolicy;
          const arn = policy
            ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn
            : '';
          const found = arn ? queueUrlOfArn(arn, source.url) : null;
          if (!found)
            throw new ConfigError(`the ${source.role} queue ${source.url} has no dead-letter queue`);
          return found;
        });
      url.catch(() => dlqUrls.delete(source.url));
      dlqUrls.set(source.url, url);
    }
    return url;
  };

  /** Up to `max` messages of the DLQ, each held invisible for `hold` seconds. */
  const read = async (source: DeadLetterSource, dlq: string): Promise<Held[]> => {
    const held: Held[] = [];
    const seen = new Set<string>();
    while (held.length < max) {
      const res = await o.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlq,
          MaxNumberOfMessages: Math.min(10, max - held.length),
          VisibilityTimeout: hold,
          // Long polling (≥ 1 s) asks every SQS server, so an empty answer means the queue is empty.
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const messages = (res.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (messages.length === 0) break;
      for (const m of messages) {
        seen.add(m.MessageId as string);
        held.push({ view: deadLetterView(source.role, m), message: m });
      }
    }
    return held;
  };

  /** Makes the messages visible again at once (ChangeMessageVisibility to 0), ten a call. */
  const release = async (dlq: string, held: readonly Held[]): Promise<void> => {
    for (let i = 0; i < held.length; i += 10) {
      const entries = held.slice(i, i + 10).map((h, n) => ({
        Id: String(n),
        ReceiptHandle: h.message.ReceiptHandle as string,
        VisibilityTimeout: 0,
      }));
      await o.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: dlq, Entries: entries }));
    }
  };

  const sendBack = async (source: DeadLetterSource, dlq: string, h: Held): Promise<void> => {
    const fifo = source.url.endsWith('.fifo');
    const group = h.message.Attributes?.MessageGroupId ?? 'default';
    await o.sqs.send(
      new SendMessageCommand({
        QueueUrl: source.url,
        MessageBody: h.message.Body ?? '',
        ...(h.message.MessageAttributes ? { MessageAttributes: h.message.MessageAttributes } : {}),
        ...(fifo
          ? { MessageGroupId: group, MessageDeduplicationId: `requeue-${h.message.MessageId}`.slice(0, 128) }
          : {}),
      }),
    );
    await o.sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: h.message.ReceiptHandle }));
  };

  return {
    async list() {
      const perQueue = await Promise.all(
        o.sources.map(async (source) => {
          const dlq = await dlqOf(source);
          const held = await read(source, dlq);
          await release(dlq, held);
          return held.map((h) => h.view);
        }),
      );
      return perQueue.flat();
    },
    async requeue(ids) {
      const wanted = ids ? new Set(ids) : null;
      const started = now();
      const perQueue = await Promise.all(
        o.sources.map(async (source) => {
          const dlq = await dlqOf(source);
          const done: string[] = [];
          // Rounds: in a FIFO DLQ a group's next letters show only once its first are gone.
          while (done.length < max && now() - started < budget) {
            const held = await read(source, dlq);
            const chosen = held
              .filter((h) => !done.includes(h.view.id) && (!wanted || wanted.has(h.view.id)))
              .slice(0, max - done.length);
            const others = held.filter((h) => !chosen.includes(h));
            try {
              for (const h of chosen) {
                await sendBack(source, dlq, h);
                done.push(h.view.id);
              }
            } finally {
              await release(dlq, others);
            }
            if (chosen.length === 0) break;
          }
          return done;
        }),
      );
      return perQueue.flat();
    },
  };
}
