import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

/**
 * An SQS emulator in this process on loopback (fauxqs, the AWS JSON protocol the SDK speaks), and a client
 * for it. `queueWithDeadLetters(name)` creates a dead-letter queue and a work queue that parks a message
 * there after `maxReceiveCount` receives, as infra/constructs/work-queue.ts does in AWS (a `.fifo` name
 * makes both FIFO).
 */
export async function startSqsEmulator(): Promise<{
  endpoint: string;
  sqs: SQSClient;
  queueWithDeadLetters: (name: string, maxReceiveCount?: number) => Promise<{ url: string; dlqUrl: string }>;
  close: () => Promise<void>;
}> {
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const queueWithDeadLetters = async (name: string, maxReceiveCount = 1) => {
    const fifo = name.endsWith('.fifo');
    const base = fifo ? name.slice(0, -'.fifo'.length) : name;
    const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
    const dlq = await sqs.send(
      new CreateQueueCommand({ QueueName: `${base}-dlq${fifo ? '.fifo' : ''}`, Attributes: fifoAttrs }),
    );
    const dlqArn = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          ...fifoAttrs,
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
            maxReceiveCount: String(maxReceiveCount),
          }),
        },
      }),
    );
    return { url: queue.QueueUrl as string, dlqUrl: dlq.QueueUrl as string };
  };
  return {
    endpoint,
    sqs,
    queueWithDeadLetters,
    async close() {
      sqs.destroy();
      await app.close();
    },
  };
}
