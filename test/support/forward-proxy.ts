import net from 'node:net';

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>` (with `user:pass@` when it asks for credentials). */
  url: string;
  /** Every CONNECT asked of it, in order: `host:port` and whether it was let through. */
  tunnels: Array<{ target: string; ok: boolean }>;
  close(): Promise<void>;
}

/**
 * A forward proxy on loopback that only tunnels (HTTP CONNECT), as the operator's mainland egress would:
 * it counts every tunnel, answers 407 without the expected credentials when given some, and 502 when the
 * target does not answer.
 */
export async function startForwardProxy(credentials?: { user: string; pass: string }): Promise<ForwardProxy> {
  const tunnels: ForwardProxy['tunnels'] = [];
  const sockets = new Set<net.Socket>();
  const expected = credentials
    ? `Basic ${Buffer.from(`${credentials.user}:${credentials.pass}`).toString('base64')}`
    : undefined;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method, target = ''] = (lines[0] ?? '').split(' ');
      const auth = lines.find((l) => /^proxy-authorization:/i.test(l))?.replace(/^[^:]+:\s*/, '');
      if (method !== 'CONNECT') return void client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      if (expected && auth !== expected) {
        tunnels.push({ target, ok: false });
        return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      }
      const sep = target.lastIndexOf(':');
      const upstream = net.connect({
        host: target.slice(0, sep).replace(/^\[|\]$/g, ''),
        port: Number(target.slice(sep + 1)),
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.once('error', () => {
        tunnels.push({ target, ok: false });
        client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      });
      upstream.once('connect', () => {
        tunnels.push({ target, ok: true });
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = head.subarray(end + 4);
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const auth = credentials ? `${credentials.user}:${credentials.pass}@` : '';
  return {
    url: `http://${auth}127.0.0.1:${port}`,
    tunnels,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
