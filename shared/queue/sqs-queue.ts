import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Queue, SendOptions } from './queue.ts';

/** Producer for a real SQS queue; FIFO queues need the group id, which callers always give for crawls. */
export class SqsQueue<T> implements Queue<T> {
  constructor(
    private readonly sqs: SQSClient,
    readonly url: string,
  ) {}

  async send(message: T, options: SendOptions = {}): Promise<void> {
    const fifo = this.url.endsWith('.fifo');
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.url,
        MessageBody: JSON.stringify(message),
        ...(fifo ? { MessageGroupId: options.groupId ?? 'default' } : {}),
        ...(fifo && options.dedupId ? { MessageDeduplicationId: options.dedupId } : {}),
      }),
    );
  }
}
