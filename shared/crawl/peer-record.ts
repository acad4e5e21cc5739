import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';

/** How many subjectAltName entries a record keeps (the archive's 2 KB metadata budget); the rest are counted. */
export const MAX_SAN_ENTRIES = 4;

/** The server certificate as the TLS handshake presented it (Node's tls `getPeerCertificate()`). */
export const PeerCertificate = z.object({
  /** SHA-256 over the DER certificate, lower-case hex (Node's `fingerprint256` without its colons). */
  sha256: z.string(),
  /** Subject CN, when the subject has one. */
  subject: z.string().optional(),
  /** The first MAX_SAN_ENTRIES subjectAltName entries (`DNS:www.gov.cn`, `IP Address:1.2.3.4`). */
  san: z.array(z.string()).optional(),
  /** subjectAltName entries left out of `san`. */
  sanMore: z.number().int().optional(),
  /** Issuer CN, else its O. */
  issuer: z.string().optional(),
  /** notBefore / notAfter, ISO 8601 UTC (as the certificate states them when they do not parse). */
  validFrom: z.string(),
  validTo: z.string(),
});
export type PeerCertificate = z.infer<typeof PeerCertificate>;

/**
 * Where a response came from, as the socket that carried it saw it: the peer's IP address and port, and for
 * https the negotiated TLS protocol (`TLSv1.3`), cipher suite (IANA name, `TLS_AES_128_GCM_SHA256`; OpenSSL's when Node has none) and
 * the server certificate. `tls` is null for plain http. `via` is `proxy` when the socket reached the egress
 * proxy (NIANBAO_HTTP_PROXY), so the address is the proxy's and the portal's address was resolved by it;
 * TLS runs inside the CONNECT tunnel, end to end with the portal.
 */
export const PeerRecord = z.object({
  address: z.string(),
  port: z.number().int(),
  via: z.literal('proxy').optional(),
  tls: z
    .object({
      protocol: z.string(),
      cipher: z.string(),
      certificate: PeerCertificate.nullable(),
    })
    .nullable(),
});
export type PeerRecord = z.infer<typeof PeerRecord>;

/** One fetch's recorder: the request objects undici created inside it, and the last peer seen. */
interface Recorder {
  /** The URL this fetch asks for: a request for another URL is never attributed to it. */
  origin: string;
  path: string;
  peer: PeerRecord | null;
  via: 'proxy' | undefined;
}

/**
 * The recorder of the fetch whose request undici is dispatching right now. Set only around the synchronous
 * call that dispatches it (undici creates the request inside that call), so no AsyncLocalStorage is needed:
 * one would switch on Node's promise hooks for the whole process, a cost on every promise of every store call.
 */
let dispatching: Recorder | undefined;
const recorderOf = new WeakMap<object, Recorder>();
/** One TLS description per socket: a kept-alive connection is described once, not per request. */
const tlsOf = new WeakMap<object, PeerRecord['tls']>();

let subscribed = false;

/**
 * Subscribes once to undici's diagnostics channels (undici docs, "Diagnostics Channel Support"):
 * `undici:request:create` is published synchronously inside the dispatch, so the recorder set around that
 * dispatch (`dispatching`) is the fetch's own; `undici:client:sendHeaders` then gives the request and the
 * socket it is written to. The proxy's CONNECT request is not the page's and is skipped.
 */
function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnosticsChannel.subscribe('undici:request:create', (message) => {
    const recorder = dispatching;
    const request = (message as { request?: { method?: string; origin?: unknown; path?: string } }).request;
    if (!recorder || !request || request.method === 'CONNECT') return;
    // A request a pool queued is created later, inside another fetch's dispatch or none: check it.
    if (String(request.origin) === recorder.origin && request.path === recorder.path)
      recorderOf.set(request, recorder);
  });
  diagnosticsChannel.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request?: object; socket?: Socket };
    const recorder = request ? recorderOf.get(request) : undefined;
    if (!recorder || !socket) return;
    try {
      recorder.peer = describeSocket(socket, recorder.via);
    } catch {
      recorder.peer = null; // never fail a fetch over its record: the copy says "not recorded"
    }
  });
}

/**
 * Runs `exchange` (one HTTP request for `url` through undici) and returns its result with the peer of the request it
 * sent, or null when none could be recorded (no request written, an unknown socket, a failure reading it).
 * Costs no request: it reads the socket already connected. `via: 'proxy'` marks an egress-proxied fetch.
 */
export async function withPeerRecord<T>(
  url: string,
  exchange: () => Promise<T>,
  via?: 'proxy',
): Promise<{ result: T; peer: PeerRecord | null }> {
  subscribe();
  const u = new URL(url);
  const recorder: Recorder = { origin: u.origin, path: `${u.pathname}${u.search}`, peer: null, via };
  let pending: Promise<T>;
  dispatching = recorder;
  try {
    pending = exchange();
  } finally {
    dispatching = undefined;
  }
  const result = await pending;
  return { result, peer: recorder.peer };
}

function describeSocket(socket: Socket, via: 'proxy' | undefined): PeerRecord | null {
  const address = socket.remoteAddress;
  const port = socket.remotePort;
  if (!address || port === undefined) return null;
  let tls = tlsOf.get(socket);
  if (tls === undefined) {
    tls = (socket as TLSSocket).encrypted ? describeTls(socket as TLSSocket) : null;
    tlsOf.set(socket, tls);
  }
  return { address, port, ...(via ? { via } : {}), tls };
}

function describeTls(socket: TLSSocket): NonNullable<PeerRecord['tls']> {
  const cert = socket.getPeerCertificate(false);
  const certificate: PeerCertificate | null =
    cert && typeof cert.fingerprint256 === 'string'
      ? {
          sha256: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
          ...nameField('subject', cert.subject?.CN),
          ...sanFields(cert.subjectaltname),
          ...nameField('issuer', cert.issuer?.CN ?? cert.issuer?.O),
          validFrom: isoDate(cert.valid_from),
          validTo: isoDate(cert.valid_to),
        }
      : null;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? 'unknown',
    certificate,
  };
}

/** `Jan  1 00:00:00 2020 GMT` (OpenSSL's form) as `2020-01-01T00:00:00Z`; unchanged when it does not parse. */
function isoDate(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString().replace('.000Z', 'Z');
}

function nameField<K extends string>(
  key: K,
  value: string | string[] | undefined,
): Partial<Record<K, string>> {
  const v = Array.isArray(value) ? value.join(', ') : value;
  return v ? ({ [key]: v } as Record<K, string>) : {};
}

function sanFields(value: string | undefined): { san?: string[]; sanMore?: number } {
  if (!value) return {};
  const all = value.split(', ').filter((e) => e !== '');
  return {
    san: all.slice(0, MAX_SAN_ENTRIES),
    ...(all.length > MAX_SAN_ENTRIES ? { sanMore: all.length - MAX_SAN_ENTRIES } : {}),
  };
}
