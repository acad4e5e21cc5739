import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

let sequence = 0;

/** A real SMTP server on loopback that keeps each delivered message as an .eml file. */
export async function startSmtpSink(dir: string, port = 0): Promise<SmtpSink> {
  await mkdir(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sequence += 1;
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const name = `${Date.now()}-${process.pid}-${sequence}-${to.replace(/[^a-zA-Z0-9@._-]/g, '_')}.eml`;
        // Temp name then rename: a reader never sees half a message.
        const tmp = join(dir, `.${name}.tmp`);
        writeFile(tmp, Buffer.concat(chunks))
          .then(() => rename(tmp, join(dir, name)))
          .then(
            () => callback(),
            (error: Error) => callback(error),
          );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actual}`,
    port: actual,
    dir,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
