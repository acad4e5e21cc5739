import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { InfrastructureError, UnsafeTargetError } from '../errors.ts';
import { type EgressProxy, openTunnel } from './egress-proxy.ts';
import { findUnsafeAddress, type TargetGuard, unsafeHostReason } from './ssrf.ts';

/**
 * A SOCKS5 proxy (RFC 1928, CONNECT only, no authentication) on loopback that Chromium sends every
 * connection through, and that applies the SSRF guard where the connection is made. Request interception
 * (`page.route`) cannot be the only guard: Playwright lets redirects through without calling the route
 * handler, Chromium resolves names itself after any check we make (DNS rebinding), and preconnects,
 * WebSockets and service workers are not routed at all. Chromium's SOCKS5 client sends host names
 * unresolved, so the names are resolved here, through the guard's lookup.
 *
 * With an egress proxy (NIANBAO_HTTP_PROXY, egress-proxy.ts) this proxy is chained to it: Chromium still
 * connects only here, the guard judges the target's literal and every address its name resolves to here,
 * and the connection is then a CONNECT tunnel through the egress proxy (which resolves the name again on
 * its own network: see egress-proxy.ts for what that leaves to the proxy's own policy).
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

const keyOf = (url: string): string => {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.hostname.replace(/^\[|\]$/g, '')}:${port}`.toLowerCase();
};

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
  /** Recent failures of the egress proxy itself by `host:port`: our fault, not the portal's. */
  private readonly egressFailures = new Map<string, InfrastructureError>();

  private constructor(
    private readonly server: net.Server,
    private readonly guard: TargetGuard,
    private readonly connectTimeoutMs: number,
    private readonly egress: EgressProxy | undefined,
  ) {
    server.on('connection', (s) => this.accept(s));
  }

  /** Listens on 127.0.0.1, any free port. */
  static async start(
    guard: TargetGuard,
    connectTimeoutMs: number,
    egress?: EgressProxy,
  ): Promise<GuardProxy> {
    const server = net.createServer();
    const proxy = new GuardProxy(server, guard, connectTimeoutMs, egress);
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
    const r = this.refusals.get(keyOf(url));
    return r ? new UnsafeTargetError(url, r.host, r.reason) : null;
  }

  /** The egress proxy's own failure on `url`'s host and port, if the last tunnel there failed so. */
  egressFailureFor(url: string): InfrastructureError | null {
    return this.egressFailures.get(keyOf(url)) ?? null;
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

  private connect(client: net.Socket, req: Request): void {
    const { host, port } = req;
    const allowed = this.guard.allowsHostPort(host, port);
    const literal = allowed ? null : unsafeHostReason(host);
    if (literal) {
      this.refuse(client, host, port, host, literal);
      return;
    }
    if (this.egress) return void this.connectThroughEgress(client, req, allowed, this.egress);
    this.connectDirect(client, req, allowed);
  }

  /** Judged here (every address the name resolves to), then tunnelled through the egress proxy. */
  private async connectThroughEgress(
    client: net.Socket,
    { host, port, rest }: Request,
    allowed: boolean,
    egress: EgressProxy,
  ): Promise<void> {
    const h = host.includes(':') ? `[${host}]` : host;
    if (!allowed) {
      try {
        await this.guard.assertResolved(`http://${h}:${port}/`);
      } catch (error) {
        if (error instanceof UnsafeTargetError)
          return this.refuse(client, host, port, error.host, error.reason);
        throw error;
      }
    }
    let upstream: net.Socket;
    try {
      upstream = this.track(await openTunnel(egress, host, port, this.connectTimeoutMs));
      this.egressFailures.delete(`${host}:${port}`.toLowerCase());
    } catch (error) {
      if (error instanceof InfrastructureError) {
        this.egressFailures.set(`${host}:${port}`.toLowerCase(), error);
        if (this.egressFailures.size > MAX_REFUSALS)
          this.egressFailures.delete(this.egressFailures.keys().next().value!);
      }
      if (!client.destroyed) client.end(reply(REPLY.hostUnreachable));
      return;
    }
    if (client.destroyed) return void upstream.destroy();
    this.splice(client, upstream, rest);
  }

  private connectDirect(client: net.Socket, { host, port, rest }: Request, allowed: boolean): void {
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
      this.splice(client, upstream, rest);
    });
  }

  private splice(client: net.Socket, upstream: net.Socket, rest: Buffer): void {
    client.write(reply(REPLY.ok));
    if (rest.length > 0) upstream.write(rest);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.resume();
  }
}
