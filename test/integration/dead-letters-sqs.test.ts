import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterView, sqsDeadLetters } from '#shared/aws/sqs-dead-letters.ts';
import { startSqsEmulator } from '../support/sqs-emulator.ts';

/**
 * The admin API's dead letters in Lambda (shared/aws/sqs-dead-letters.ts) against an SQS emulator on
 * loopback (fauxqs): messages dead-lettered the real way (received past maxReceiveCount), listed without
 * being consumed, requeued one by one or all, FIFO order and group kept.
 */
describe('dead letters on SQS: list without consuming, requeue send-then-delete', () => {
  let emu: Awaited<ReturnType<typeof startSqsEmulator>>;

  beforeAll(async () => {
    emu = await startSqsEmulator();
  });
  afterAll(async () => {
    await emu?.close();
  });

  /** Sends the bodies, then receives each past maxReceiveCount (1) so SQS parks it in the DLQ. */
  const deadLetter = async (url: string, bodies: unknown[], group?: (i: number) => string) => {
    for (const [i, body] of bodies.entries()) {
      await emu.sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify(body),
          ...(group ? { MessageGroupId: group(i), MessageDeduplicationId: `d${i}-${Date.now()}` } : {}),
        }),
      );
    }
    for (let round = 0; round < 2 * bodies.length + 2; round++) {
      await emu.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
    }
  };
  const depth = async (url: string) => {
    const res = await emu.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(res.Attributes?.ApproximateNumberOfMessages),
      inFlight: Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible),
    };
  };
  /** Every message of a queue, received and deleted. */
  const drain = async (url: string): Promise<Message[]> => {
    const out: Message[] = [];
    for (;;) {
      const res = await emu.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 300,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (!res.Messages?.length) return out;
      out.push(...res.Messages);
      // Consumed as a stage would: a FIFO group's next message shows once these are deleted.
      for (const m of res.Messages) {
        await emu.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  };

  it('lists the letters of every source with their bodies, twice the same, and leaves them in the DLQs', async () => {
    const cycle = await emu.queueWithDeadLetters('list-cycle');
    const crawl = await emu.queueWithDeadLetters('list-crawl.fifo');
    await deadLetter(cycle.url, [{ kind: 'sweep', date: '2026-03-01' }]);
    // One message group per host, as the crawl queue's.
    await deadLetter(crawl.url, [{ bodyId: '360802' }, { bodyId: '360803' }], (i) => `host-${i}`);
    expect(await depth(crawl.url)).toEqual({ visible: 0, inFlight: 0 });

    const access = sqsDeadLetters({
      sqs: emu.sqs,
      sources: [
        { role: 'crawl', url: crawl.url },
        { role: 'cycle', url: cycle.url },
      ],
    });
    const first = await access.list();
    expect(first.map((l) => [l.queue, l.body])).toEqual([
      ['crawl', { bodyId: '360802' }],
      ['crawl', { bodyId: '360803' }],
      ['cycle', { kind: 'sweep', date: '2026-03-01' }],
    ]);
    for (const l of first) {
      expect(l.id).toMatch(new RegExp(`^${l.queue}:[\\w-]+$`));
      expect(l.receiveCount).toBeGreaterThanOrEqual(2);
      expect(l.error).toMatch(new RegExp(`the ${l.queue} stage gave up on it \\(first sent \\d{4}-`));
    }
    // Made visible again: the next listing sees the same letters, and nothing is held in flight.
    expect(await depth(crawl.dlqUrl)).toEqual({ visible: 2, inFlight: 0 });
    expect(await depth(cycle.dlqUrl)).toEqual({ visible: 1, inFlight: 0 });
    expect((await access.list()).map((l) => l.id)).toEqual(first.map((l) => l.id));
  });

  it('FIFO: shows the first letters of a group, requeues all of them in order with their group', async () => {
    const crawl = await emu.queueWithDeadLetters('requeue-crawl.fifo');
    const bodies = [{ bodyId: 'a' }, { bodyId: 'b' }, { bodyId: 'c' }];
    await deadLetter(crawl.url, bodies, () => 'host-1');
    expect(await depth(crawl.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });
    const access = sqsDeadLetters({ sqs: emu.sqs, sources: [{ role: 'crawl', url: crawl.url }] });
    // SQS holds a group's later messages back while its first are in flight: a prefix, in order.
    const shown = (await access.list()).map((l) => l.body);
    expect(shown.length).toBeGreaterThanOrEqual(1);
    expect(shown).toEqual(bodies.slice(0, shown.length));

    const requeued = await access.requeue();
    expect(requeued).toHaveLength(3);
    const back = await drain(crawl.url);
    expect(back.map((m) => JSON.parse(m.Body ?? ''))).toEqual(bodies);
    expect(back.map((m) => m.Attributes?.MessageGroupId)).toEqual(['host-1', 'host-1', 'host-1']);
    expect(await access.list()).toEqual([]);
    expect(await depth(crawl.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('requeues the chosen letter only: sent to its source and deleted from the DLQ, the others kept', async () => {
    const cycle = await emu.queueWithDeadLetters('requeue-cycle');
    const bodies = [
      { kind: 'tick', date: '2026-03-02' },
      { kind: 'sweep', date: '2026-03-02' },
      { kind: 'redrive', date: '2026-03-02' },
    ];
    await deadLetter(cycle.url, bodies);
    const access = sqsDeadLetters({ sqs: emu.sqs, sources: [{ role: 'cycle', url: cycle.url }] });
    const letters = await access.list();
    expect(letters.map((l) => l.body)).toEqual(bodies);
    const chosen = letters[1]?.id as string;
    expect(await access.requeue([chosen, 'cycle:no-such-id'])).toEqual([chosen]);
    const back = await drain(cycle.url);
    // The body as the stage sent it, byte for byte.
    expect(back.map((m) => m.Body)).toEqual([JSON.stringify(bodies[1])]);
    expect((await access.list()).map((l) => l.id)).toEqual([letters[0]?.id, letters[2]?.id]);
    expect(await depth(cycle.dlqUrl)).toEqual({ visible: 2, inFlight: 0 });
  });

  it('starts no new requeue round once its time budget is spent; the next call requeues the rest', async () => {
    const crawl = await emu.queueWithDeadLetters('budget-crawl.fifo');
    const bodies = [{ bodyId: 'x' }, { bodyId: 'y' }];
    await deadLetter(crawl.url, bodies, () => 'host-2');
    // The start and the first round's check at 0 ms; every later reading 5 s on: one round only.
    const readings = [0, 0];
    const access = sqsDeadLetters({
      sqs: emu.sqs,
      sources: [{ role: 'crawl', url: crawl.url }],
      requeueBudgetMs: 1,
      now: () => readings.shift() ?? 5_000,
    });
    // One round of a FIFO group: its first letter only (the emulator shows a group's next message once
    // the one in flight is gone; without the budget the next round would requeue it too).
    const first = await access.requeue();
    expect(first).toHaveLength(1);
    expect(await depth(crawl.dlqUrl)).toEqual({ visible: 1, inFlight: 0 });
    readings.push(0, 0);
    const second = await access.requeue();
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    expect((await drain(crawl.url)).map((m) => JSON.parse(m.Body ?? ''))).toEqual(bodies);
  });

  it('names a source queue that has no dead-letter queue', async () => {
    const { CreateQueueCommand } = await import('@aws-sdk/client-sqs');
    const plain = await emu.sqs.send(new CreateQueueCommand({ QueueName: 'no-dlq' }));
    const access = sqsDeadLetters({
      sqs: emu.sqs,
      sources: [{ role: 'parse', url: plain.QueueUrl as string }],
    });
    await expect(access.list()).rejects.toThrow(`the parse queue ${plain.QueueUrl} has no dead-letter queue`);
  });
});

describe('deadLetterView', () => {
  it('keeps a body that is not JSON as its text, and counts the receives before this read', () => {
    const view = deadLetterView('alert', {
      MessageId: 'm-1',
      Body: 'not json',
      Attributes: { ApproximateReceiveCount: '4', SentTimestamp: '1767225600000' },
    });
    expect(view).toEqual({
      id: 'alert:m-1',
      queue: 'alert',
      body: 'not json',
      error:
        "the alert stage gave up on it (first sent 2026-01-01T00:00:00.000Z); SQS keeps no error with a message: the reason is in the alert function's log",
      receiveCount: 3,
    });
  });
});
