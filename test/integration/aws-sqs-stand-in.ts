import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  queue: string;
  body: string;
  groupId?: string;
}

/**
 * The one SQS call the functions make (SendMessage, AWS JSON protocol) on loopback, recording what was
 * sent: enough to run the bundled handlers as they run in Lambda without a network.
 */
export async function startSqsStandIn(): Promise<{
  endpoint: string;
  queueUrl: (name: string) => string;
  sent: SentMessage[];
  close(): Promise<void>;
}> {
  const sent: SentMessage[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target !== 'AmazonSQS.SendMessage') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'UnsupportedOperation', message: target }));
        return;
      }
      const input = JSON.parse(raw) as { QueueUrl: string; MessageBody: string; MessageGroupId?: string };
      sent.push({
        queue: input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1),
        body: input.MessageBody,
        ...(input.MessageGroupId ? { groupId: input.MessageGroupId } : {}),
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          MessageId: randomUUID(),
          MD5OfMessageBody: createHash('md5').update(input.MessageBody, 'utf8').digest('hex'),
        }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    queueUrl: (name) => `${endpoint}/000000000000/${name}`,
    sent,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
