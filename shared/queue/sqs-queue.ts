import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Queue, QueueDepth, SendOptions } from './queue.ts';

/**
 * The URL of a queue named by its ARN (`arn:<partition>:sqs:<region>:<account>:<name>`), in the SQS
 * endpoint's form `<endpoint>/<account>/<name>` (the endpoint taken from a known queue URL, so a stand-in
 * endpoint works too). Null when the ARN is not an SQS queue's.
 */
export function queueUrlOfArn(arn: string, knownUrl: string): string | null {
  const m = /^arn:[\w-]+:sqs:[\w-]+:(\d{12}|\w+):([\w.-]+)$/.exec(arn);
  if (!m) return null;
  const endpoint = new URL(knownUrl);
  return `${endpoint.origin}/${m[1]}/${m[2]}`;
}

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
        ...(!fifo && options.delaySeconds
          ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(options.delaySeconds))) }
          : {}),
      }),
    );
  }

  /**
   * ApproximateNumberOfMessages and …NotVisible of this queue, then ApproximateNumberOfMessages of the
   * dead-letter queue its RedrivePolicy names (deadLetterTargetArn). Needs sqs:GetQueueAttributes on both;
   * a dead-letter queue that cannot be read counts as null, not as zero.
   */
  async measure(): Promise<QueueDepth> {
    const res = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'RedrivePolicy',
        ],
      }),
    );
    const a = res.Attributes ?? {};
    let deadLetters: number | null = null;
    const target = a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string }) : {};
    const dlqUrl = target.deadLetterTargetArn ? queueUrlOfArn(target.deadLetterTargetArn, this.url) : null;
    if (dlqUrl) {
      const dlq = await this.sqs
        .send(
          new GetQueueAttributesCommand({
            QueueUrl: dlqUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        )
        .catch(() => null);
      const n = Number(dlq?.Attributes?.ApproximateNumberOfMessages);
      deadLetters = dlq && Number.isFinite(n) ? n : null;
    }
    return {
      queue: this.url.slice(this.url.lastIndexOf('/') + 1),
      waiting: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      deadLetters,
    };
  }
}
