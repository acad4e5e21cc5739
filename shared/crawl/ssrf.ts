import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
// ipaddr.js rather than hand-written masks: maintained, parses every IPv4 spelling (hex, octal, short,
// one 32-bit number) and IPv6 (zones, embedded IPv4), and keeps its table of special-purpose ranges
// (RFC 6890 and its successors) up to date release by release.
import ipaddr from 'ipaddr.js';
import { UnsafeTargetError } from '../errors.ts';

/**
 * The SSRF guard's rules. A crawler follows links written by strangers (a hijacked portal, an injected
 * page): none of them may make it reach this machine, its network or the cloud metadata service. A target
 * is refused when its address is outside the globally reachable unicast space, as the IANA
 * special-purpose address registries (RFC 6890, updated by RFC 8190) list it; names are checked on the
 * addresses they resolve to, at connection time (see `guardedLookup`).
 */

/** ipaddr.js range names whose addresses a public web server can have ("Globally Reachable" in RFC 6890). */
const PUBLIC_V4 = new Set(['unicast', 'as112', 'amt']);
const PUBLIC_V6 = new Set(['unicast', 'as112v6', 'amt']);

/** Range names in words, for the refusal message. */
const WORDS: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (RFC 6598)',
  private: 'private (RFC 1918)',
  reserved: 'reserved (documentation, benchmarking or future use)',
  uniqueLocal: 'unique-local (fc00::/7)',
  deprecatedSiteLocal: 'site-local (fec0::/10, deprecated)',
  discard: 'discard-only (RFC 6666)',
  teredo: 'a Teredo tunnel address',
  benchmarking: 'benchmarking (RFC 5180)',
  deprecatedOrchid: 'ORCHID (deprecated)',
  orchid2: 'ORCHIDv2 (not routable)',
  droneRemoteIdProtocolEntityTags: 'a DRIP entity tag (not routable)',
  segmentRouting: 'segment routing (RFC 9602)',
  rfc6052: 'local-use NAT64 (RFC 8215)',
};

const words = (range: string) => WORDS[range] ?? range;

/** The IPv4 address an IPv6 one carries (mapped, translated, NAT64 well-known prefix, 6to4), if any. */
function embeddedV4(a: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = a.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v4(p[6]!, p[7]!);
  // 64:ff9b::/96 (RFC 6052) carries its IPv4 address in the last 32 bits; 64:ff9b:1::/48 is local-use.
  if (range === 'rfc6052' && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0) return v4(p[6]!, p[7]!);
  if (range === '6to4') return v4(p[1]!, p[2]!);
  return null;
}

/**
 * Why an address may not be reached, or null for a public unicast one. Accepts any spelling ipaddr.js
 * parses (so `0x7f.1` and `2130706433` too); a string that is no address at all is refused as such.
 */
export function unsafeAddressReason(address: string): string | null {
  let a: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    a = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  } catch {
    return 'not an IP address';
  }
  if (a.kind() === 'ipv4') {
    const range = a.range();
    return PUBLIC_V4.has(range) ? null : words(range);
  }
  const v6 = a as ipaddr.IPv6;
  const range = v6.range();
  const inner = embeddedV4(v6, range);
  if (inner) {
    const why = unsafeAddressReason(inner.toString());
    return why ? `${why} (IPv4 ${inner.toString()} inside ${range})` : null;
  }
  if (!PUBLIC_V6.has(range)) return words(range);
  // Outside 2000::/3 nothing is allocated for global unicast (IANA), e.g. ::7f00:1 (IPv4-compatible, deprecated).
  if (!v6.match(ipaddr.IPv6.parse('2000::'), 3)) return 'outside the global unicast space (2000::/3)';
  return null;
}

/**
 * For a URL's hostname: why it may not be reached when it is an IP literal or a localhost name (RFC 6761
 * §6.3: always loopback, and Chromium resolves them without DNS), or null for any other name, which is
 * judged by the addresses it resolves to. WHATWG URL parsing has already turned `2130706433`, `0x7f.1`,
 * `0177.0.0.1` and `127.1` into `127.0.0.1`; other spellings are normalised the same way here.
 */
export function unsafeHostReason(hostname: string): string | null {
  let host = hostname;
  try {
    host = new URL(
      `http://${hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname}/`,
    ).hostname;
  } catch {
    // Not a valid URL host: judged as given.
  }
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (ipaddr.isValid(bare)) return unsafeAddressReason(bare);
  const name = bare.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback (a localhost name, RFC 6761)';
  return null;
}

/** A lookup refused by the guard: carried to the caller, who turns it into an UnsafeTargetError for a URL. */
export class UnsafeAddressError extends Error {
  readonly code = 'ERR_NIANBAO_UNSAFE_ADDRESS';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${hostname} resolves to ${address}, which is ${reason}`);
  }

  toTargetError(url: string): UnsafeTargetError {
    return new UnsafeTargetError(url, `${this.hostname} (${this.address})`, this.reason, { cause: this });
  }
}

/** The UnsafeAddressError somewhere in an error's cause chain (undici and net wrap socket errors). */
export function findUnsafeAddress(error: unknown): UnsafeAddressError | null {
  for (let e = error, depth = 0; e && depth < 5; depth += 1) {
    if (e instanceof UnsafeAddressError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** dns.lookup with `all: true`: every address of a name. */
export type LookupAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for net/tls/undici `connect` options that refuses a name when any address it resolves to is
 * unsafe. The check runs where the socket connects, on the very addresses it will use: no gap between a
 * check and a second resolution that a rebinding DNS server could answer differently.
 */
export function guardedLookup(base: LookupAll = dns.lookup as LookupAll): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      for (const a of addresses) {
        const reason = unsafeAddressReason(a.address);
        if (reason) return callback(new UnsafeAddressError(hostname, a.address, reason), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** `http://127.0.0.1:43123` and `http://127.0.0.1:43123/` alike; throws TypeError on anything not an http(s) origin. */
export function normaliseOrigin(origin: string): string {
  const u = new URL(origin.trim());
  if (!/^https?:$/.test(u.protocol) || u.pathname !== '/' || u.search || u.hash || u.username) {
    throw new TypeError(`not an http(s) origin: ${origin}`);
  }
  return u.origin;
}

export interface TargetGuardOptions {
  /** Exact origins that may be private (the demo portal and test servers on loopback). */
  allowPrivateOrigins?: readonly string[] | undefined;
  /** Origins trusted for another reason: the stand-ins an OriginMap names. */
  trusted?: (origin: string) => boolean;
  /** Resolves a name to all its addresses (default dns.lookup); tests give a table. */
  lookup?: LookupAll | undefined;
}

/** The allow-list plus the rules above, as the fetcher and the browser apply them. */
export class TargetGuard {
  private readonly allowed: Set<string>;
  private readonly base: LookupAll;
  /** For `connect` options: resolves and refuses unsafe answers. */
  readonly lookup: LookupFunction;

  constructor(private readonly o: TargetGuardOptions = {}) {
    this.allowed = new Set((o.allowPrivateOrigins ?? []).map(normaliseOrigin));
    this.base = o.lookup ?? (dns.lookup as LookupAll);
    this.lookup = guardedLookup(this.base);
  }

  /** True when `url`'s origin may be private. */
  allows(url: string | URL): boolean {
    const origin = new URL(url).origin;
    return this.allowed.has(origin) || (this.o.trusted?.(origin) ?? false);
  }

  /** True when some allowed origin has this host and port (a SOCKS request names no scheme). */
  allowsHostPort(host: string, port: number): boolean {
    const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    return ['http', 'https'].some((s) => this.allows(`${s}://${h}:${port}/`));
  }

  /**
   * Throws UnsafeTargetError when `url` names an unsafe IP literal or a localhost name and its origin is
   * not allowed. Other names pass: they are checked on connecting (`lookup`). `reportUrl` is the URL named
   * in the error (the canonical one when a stand-in served it).
   */
  assertLiteral(url: string, reportUrl: string = url): void {
    const u = new URL(url);
    if (this.allows(u)) return;
    const reason = unsafeHostReason(u.hostname);
    if (reason) throw new UnsafeTargetError(reportUrl, u.hostname, reason);
  }

  /**
   * assertLiteral, then every address the name resolves to: for clients that connect by themselves
   * (Chromium). A name that does not resolve passes; the client's own connection then fails.
   */
  async assertResolved(url: string, reportUrl: string = url): Promise<void> {
    this.assertLiteral(url, reportUrl);
    const u = new URL(url);
    if (this.allows(u) || ipaddr.isValid(u.hostname.replace(/^\[|\]$/g, ''))) return;
    const addresses = await new Promise<dns.LookupAddress[]>((resolve) =>
      this.base(u.hostname, { all: true }, (error, found) => resolve(error ? [] : found)),
    );
    for (const a of addresses) {
      const reason = unsafeAddressReason(a.address);
      if (reason) throw new UnsafeTargetError(reportUrl, `${u.hostname} (${a.address})`, reason);
    }
  }
}
