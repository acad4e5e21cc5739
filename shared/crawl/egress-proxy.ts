import net from 'node:net';
import tls from 'node:tls';
import { InfrastructureError } from '../errors.ts';

/**
 * The operator's egress proxy (NIANBAO_HTTP_PROXY): an HTTP(S) forward proxy, e.g. in mainland China, that
 * the crawler's every connection goes through, so portals that refuse foreign addresses answer. Both the
 * fetcher (undici ProxyAgent) and Chromium (its SOCKS guard proxy chained to this one, browser-proxy.ts)
 * open a CONNECT tunnel per connection, for http:// targets too: the proxy must allow CONNECT to the
 * ports portals use (80 and 443 at least; squid's default `deny CONNECT !SSL_ports` refuses port 80).
 *
 * The SSRF guard still judges the target: its IP literal, and every address its name resolves to here,
 * before the tunnel is asked for. What it cannot see: the proxy resolves the name again, on its own network.
 * A name that resolves differently there (split DNS, a rebinding answer between our check and its lookup)
 * can reach the proxy's private neighbours; the proxy's own egress policy (refuse private ranges) is what
 * covers that, and the runbook says so.
 */
export interface EgressProxy {
  url: URL;
  /** `Basic …` from the URL's user and password, if any. */
  authorization?: string;
}

export function egressProxy(url: string): EgressProxy {
  const u = new URL(url);
  if (!/^https?:$/.test(u.protocol)) throw new TypeError(`not an http(s) proxy URL: ${url}`);
  const authorization =
    u.username || u.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
      : undefined;
  return { url: u, ...(authorization ? { authorization } : {}) };
}

/** `{ egressProxy }` for the fetcher's and the browser's options when NIANBAO_HTTP_PROXY is set. */
export function egressProxyOption(url: string | undefined): { egressProxy?: EgressProxy } {
  return url ? { egressProxy: egressProxy(url) } : {};
}

/** The proxy as logged: its origin without credentials. */
export const shownProxy = (p: EgressProxy): string => p.url.origin;

/** Why a tunnel was not opened: the proxy unreachable or refusing us is our fault, its 502 the target's. */
export class TunnelRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly target: string,
  ) {
    super(`egress proxy answered ${status} to CONNECT ${target}`);
  }
}

/**
 * A CONNECT tunnel to `host:port` through the proxy. Rejects with InfrastructureError when the proxy
 * cannot be reached or wants other credentials (407), with TunnelRefusedError for any other refusal.
 */
export function openTunnel(
  p: EgressProxy,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const proxyPort = Number(p.url.port) || (p.url.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve, reject) => {
    const socket =
      p.url.protocol === 'https:'
        ? tls.connect({ host: p.url.hostname, port: proxyPort, servername: p.url.hostname })
        : net.connect({ host: p.url.hostname, port: proxyPort });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new InfrastructureError(`egress proxy ${shownProxy(p)} did not answer in time`, 'egress-proxy')),
    );
    socket.once('error', (error) =>
      fail(
        new InfrastructureError(
          `egress proxy ${shownProxy(p)} unreachable: ${error.message}`,
          'egress-proxy',
          {
            cause: error,
          },
        ),
      ),
    );
    socket.once(p.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const auth = p.authorization ? `Proxy-Authorization: ${p.authorization}\r\n` : '';
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16_384)
          fail(new InfrastructureError('egress proxy sent an oversized answer', 'egress-proxy'));
        return;
      }
      socket.off('data', onData);
      const status = Number(
        /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? 0,
      );
      if (status === 407 || status === 0)
        return fail(
          new InfrastructureError(
            `egress proxy ${shownProxy(p)} ${status === 407 ? 'wants other credentials (407)' : 'answered no HTTP status'}`,
            'egress-proxy',
          ),
        );
      if (status !== 200) return fail(new TunnelRefusedError(status, target));
      settled = true;
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** Sockets of a proxied fetch all go to the proxy: failing to reach it, or a 407, is our side's fault. */
const PROXY_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function egressFailure(error: unknown, proxy: EgressProxy): InfrastructureError | null {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? '';
  const status = /Proxy response \((\d+)\)/.exec((error as Error).message ?? '')?.[1];
  if (PROXY_UNREACHABLE.has(code))
    return new InfrastructureError(
      `egress proxy ${shownProxy(proxy)} unreachable (${code})`,
      'egress-proxy',
      {
        cause: error,
      },
    );
  if (status === '407')
    return new InfrastructureError(
      `egress proxy ${shownProxy(proxy)} wants other credentials (407)`,
      'egress-proxy',
      {
        cause: error,
      },
    );
  return null;
}
