import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { UnsafeTargetError } from '../errors.ts';
import { findUnsafeAddress, type TargetGuard, unsafeHostReason } from './ssrf.ts';

/**
 * A SOCKS5 proxy (RFC 1928, CONNECT only, no authentication) on loopback that Chromium sends every
 * connection through, and that applies the SSRF guard where the connection is made. Request interception
 * (`page.route`) cannot be the only guard: Playwright lets redirects through without calling the route
 * handler, Chromium resolves names itself after any check we make (DNS rebinding), and preconnects,
 * WebSockets and service workers are not routed at all. Chromium's SOCKS5 client sends host names
 * unresolved, so the names are resolved here, through the guard's lookup.
 */

/** RFC 1928 §6 reply codes. */
const REPLY = {
  ok: 0,
  failure: 1,
  notAllowed: 2,
  hostUnreachable: 4,
  refused: 5,
  badCommand: 7,
  badAddress: 8,
};
const MAX_REFUSALS = 256;

interface Request {
  host: string;
  port: number;
  /** Bytes after the request: the client's first payload, if it did not wait for the reply. */
  rest: Buffer;
}

/** Parses the CONNECT request at the start of `b`: null while incomplete, a reply code when unusable. */
function parseRequest(b: Buffer): Request | { reply: number } | null {
  if (b.length < 5) return null;
  if (b[0] !== 5) return { reply: REPLY.failure };
  if (b[1] !== 1) return { reply: REPLY.badCommand };
  const atyp = b[3];
  let host: string;
  let end: number;
  if (atyp === 1) {
    end = 10;
    if (b.length < end) return null;
    host = [...b.subarray(4, 8)].join('.');
  } else if (atyp === 3) {
    end = 5 + b[4]! + 2;
    if (b.length < end) return null;
    host = b.subarray(5, end - 2).toString('utf8');
  } else if (atyp === 4) {
    end = 22;
    if (b.length < end) return null;
    host = ipaddr.fromByteArray([...b.subarray(4, 20)]).toString();
  } else {
    return { reply: REPLY.badAddress };
  }
  return { host: host.replace(/^\[|\]$/g, ''), port: b.readUInt16BE(end - 2), rest: b.subarray(end) };
}

const reply = (code: number) => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);

export class GuardProxy {
  private readonly sockets = new Set<net.Socket>();
  /** Recent refusals by `host:port`, so a failed navigation can be reported as UnsafeTargetError. */
  private readonly refusals = new Map<string, { host: string; reason: string }>();

  private constructor(
    private readonly server: net.Server,
    private readonly guard: TargetGuard,
    private readonly connectTimeoutMs: number,
  ) {
    server.on('connection', (s) => this.accept(s));
  }

  /** Listens on 127.0.0.1, any free port. */
  static async start(guard: TargetGuard, connectTimeoutMs: number): Promise<GuardProxy> {
    const server = net.createServer();
    const proxy = new GuardProxy(server, guard, connectTimeoutMs);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** For Chromium's --proxy-server. */
  get url(): string {
    return `socks5://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The refusal of `url`'s host and port, if this proxy refused a connection to them. */
  refusalFor(url: string): UnsafeTargetError | null {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    const r = this.refusals.get(`${u.hostname.replace(/^\[|\]$/g, '')}:${port}`.toLowerCase());
    return r ? new UnsafeTargetError(url, r.host, r.reason) : null;
  }

  /** Stops listening and cuts every connection; closing twice is harmless. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(s: net.Socket): net.Socket {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
    return s;
  }

  private refuse(client: net.Socket, host: string, port: number, shown: string, reason: string): void {
    const key = `${host}:${port}`.toLowerCase();
    this.refusals.delete(key);
    this.refusals.set(key, { host: shown, reason });
    if (this.refusals.size > MAX_REFUSALS) this.refusals.delete(this.refusals.keys().next().value!);
    client.end(reply(REPLY.notAllowed));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    let buf = Buffer.alloc(0);
    let greeted = false;
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!greeted) {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        const methods = buf.subarray(2, 2 + buf[1]!);
        if (buf[0] !== 5 || !methods.includes(0)) return void client.end(Buffer.from([5, 0xff]));
        client.write(Buffer.from([5, 0]));
        buf = buf.subarray(2 + buf[1]!);
        greeted = true;
      }
      const req = parseRequest(buf);
      if (!req) return;
      client.off('data', onData);
      client.pause();
      if ('reply' in req) return void client.end(reply(req.reply));
      this.connect(client, req);
    };
    client.on('data', onData);
  }

  private connect(client: net.Socket, { host, port, rest }: Request): void {
    const allowed = this.guard.allowsHostPort(host, port);
    const literal = allowed ? null : unsafeHostReason(host);
    if (literal) {
      this.refuse(client, host, port, host, literal);
      return;
    }
    const upstream = this.track(
      net.connect({ host, port, ...(allowed ? {} : { lookup: this.guard.lookup }) }),
    );
    upstream.setTimeout(this.connectTimeoutMs, () => upstream.destroy(new Error('connect timeout')));
    upstream.once('error', (error) => {
      if (client.destroyed) return;
      const unsafe = findUnsafeAddress(error);
      if (unsafe) return this.refuse(client, host, port, `${host} (${unsafe.address})`, unsafe.reason);
      const code = (error as { code?: string }).code;
      client.end(reply(code === 'ECONNREFUSED' ? REPLY.refused : REPLY.hostUnreachable));
    });
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      client.write(reply(REPLY.ok));
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.resume();
    });
  }
}
