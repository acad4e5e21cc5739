import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import {
  guardedLookup,
  normaliseOrigin,
  TargetGuard,
  UnsafeAddressError,
  unsafeAddressReason,
  unsafeHostReason,
} from '#shared/crawl/ssrf.ts';
import { UnsafeTargetError } from '#shared/errors.ts';

/** Every spelling of a private target a link can use, and the reason the guard must give. */
const REFUSED: ReadonlyArray<readonly [url: string, reason: RegExp]> = [
  ['http://169.254.169.254/latest/meta-data/', /link-local/],
  ['http://10.0.0.5/', /private/],
  ['http://172.16.3.4/', /private/],
  ['http://192.168.1.1/', /private/],
  ['http://127.0.0.1:8080/', /loopback/],
  ['http://[::1]/', /loopback/],
  ['http://2130706433/', /loopback/],
  ['http://0x7f.1/', /loopback/],
  ['http://0177.0.0.1/', /loopback/],
  ['http://127.1/', /loopback/],
  ['http://0x7f000001/', /loopback/],
  ['http://127.0.0.1./', /loopback/],
  ['http://0/', /unspecified/],
  ['http://0.0.0.0/', /unspecified/],
  ['http://[::]/', /unspecified/],
  ['http://[::ffff:127.0.0.1]/', /loopback \(IPv4 127\.0\.0\.1 inside ipv4Mapped\)/],
  ['http://[::ffff:a9fe:a9fe]/', /link-local/],
  ['http://[64:ff9b::a00:5]/', /private/],
  ['http://[2002:a00:5::1]/', /private/],
  ['http://[::7f00:1]/', /outside the global unicast space/],
  ['http://[fc00::1]/', /unique-local/],
  ['http://[fd12:3456::1]/', /unique-local/],
  ['http://[fe80::1]/', /link-local/],
  ['http://[ff02::1]/', /multicast/],
  ['http://224.0.0.1/', /multicast/],
  ['http://255.255.255.255/', /broadcast/],
  ['http://100.64.0.1/', /carrier-grade NAT/],
  ['http://198.18.0.1/', /reserved/],
  ['http://192.0.2.10/', /reserved/],
  ['http://240.0.0.1/', /reserved/],
  ['http://[2001:db8::1]/', /reserved/],
  ['http://[2001:2::1]/', /benchmarking/],
  ['http://localhost/', /localhost name/],
  ['http://LOCALHOST./', /localhost name/],
  ['http://admin.localhost:3000/', /localhost name/],
];

const PUBLIC = [
  'http://www.jzq.gov.cn/xxgk/ndbg/',
  'http://8.8.8.8/',
  'http://202.108.22.5/',
  'http://[2400:3200::1]/',
  'http://[::ffff:8.8.8.8]/',
  'https://1.1.1.1:8443/',
];

describe('unsafeHostReason()', () => {
  it.each(REFUSED)('refuses %s', (url, reason) => {
    // WHATWG URL parsing is what every client applies: `2130706433` is already 127.0.0.1 here.
    expect(unsafeHostReason(new URL(url).hostname)).toMatch(reason);
  });

  it.each(PUBLIC)('lets %s through (names wait for their addresses)', (url) => {
    expect(unsafeHostReason(new URL(url).hostname)).toBeNull();
  });

  it('normalises raw spellings that never went through a URL parser', () => {
    expect(['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '::ffff:7f00:1'].map(unsafeHostReason)).toEqual([
      'loopback',
      'loopback',
      'loopback',
      'loopback',
      'loopback (IPv4 127.0.0.1 inside ipv4Mapped)',
    ]);
  });
});

describe('unsafeAddressReason()', () => {
  it('judges resolved addresses, IPv4 and IPv6', () => {
    expect(
      ['127.0.0.1', '::1', '10.1.2.3', 'fe80::a:b', '::ffff:192.168.0.1', '8.8.8.8', '2a00:1450::1'].map(
        unsafeAddressReason,
      ),
    ).toEqual([
      'loopback',
      'loopback',
      'private (RFC 1918)',
      'link-local',
      'private (RFC 1918) (IPv4 192.168.0.1 inside ipv4Mapped)',
      null,
      null,
    ]);
  });
});

describe('TargetGuard', () => {
  const guard = new TargetGuard({
    allowPrivateOrigins: ['http://127.0.0.1:43123/'],
    lookup: (host, _opts, cb) =>
      cb(null, [{ address: host === 'intranet.example' ? '10.0.0.7' : '8.8.4.4', family: 4 }]),
  });

  it('allows exactly the listed origins, not their neighbours', () => {
    expect(() => guard.assertLiteral('http://127.0.0.1:43123/xxgk/')).not.toThrow();
    expect(() => guard.assertLiteral('http://127.0.0.1:43124/')).toThrow(UnsafeTargetError);
    expect(() => guard.assertLiteral('https://127.0.0.1:43123/')).toThrow(UnsafeTargetError);
    expect(guard.allowsHostPort('127.0.0.1', 43123)).toBe(true);
    expect(guard.allowsHostPort('127.0.0.1', 43124)).toBe(false);
  });

  it('names the URL and the reason, as an unretryable unsafe-target FetchError', () => {
    let caught: unknown;
    try {
      guard.assertLiteral('http://169.254.169.254/latest/meta-data/');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnsafeTargetError);
    expect(caught).toMatchObject({
      message: 'refused http://169.254.169.254/latest/meta-data/: 169.254.169.254 is link-local',
      url: 'http://169.254.169.254/latest/meta-data/',
      errorClass: 'unsafe-target',
      retryable: false,
      reason: 'link-local',
    });
  });

  it('refuses a name by the addresses it resolves to', async () => {
    await expect(guard.assertResolved('http://intranet.example/a')).rejects.toMatchObject({
      errorClass: 'unsafe-target',
      message: 'refused http://intranet.example/a: intranet.example (10.0.0.7) is private (RFC 1918)',
    });
    await expect(guard.assertResolved('http://www.example.gov.cn/')).resolves.toBeUndefined();
  });

  it('rejects an allow-list entry that is not an origin', () => {
    expect(normaliseOrigin('http://127.0.0.1:43123')).toBe('http://127.0.0.1:43123');
    expect(() => normaliseOrigin('http://127.0.0.1:43123/path')).toThrow(TypeError);
    expect(() => normaliseOrigin('ftp://127.0.0.1')).toThrow(TypeError);
  });
});

describe('guardedLookup()', () => {
  /** A resolver answering from a table, as a rebinding DNS server would. */
  const table: Record<string, string[]> = {
    'rebind.example': ['93.184.215.14', '127.0.0.1'],
    'public.example': ['93.184.215.14'],
  };
  const lookup = guardedLookup((host, _opts, cb) =>
    cb(
      null,
      (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    ),
  );
  const ask = (host: string, all: boolean) =>
    new Promise<{ error: unknown; result: unknown }>((resolve) =>
      lookup(host, { all }, (error, address, family) =>
        resolve({ error, result: all ? address : [address, family] }),
      ),
    );

  it('refuses a name when any of its addresses is unsafe', async () => {
    const { error } = await ask('rebind.example', true);
    expect(error).toBeInstanceOf(UnsafeAddressError);
    expect(error).toMatchObject({ hostname: 'rebind.example', address: '127.0.0.1', reason: 'loopback' });
  });

  it('answers a public name in the form asked for', async () => {
    expect(await ask('public.example', false)).toEqual({ error: null, result: ['93.184.215.14', 4] });
    expect(await ask('public.example', true)).toEqual({
      error: null,
      result: [{ address: '93.184.215.14', family: 4 }],
    });
  });
});

describe('loadConfig() NIANBAO_ALLOW_PRIVATE_ORIGINS', () => {
  it('reads a comma-separated list of origins, empty by default', () => {
    expect(loadConfig({}).NIANBAO_ALLOW_PRIVATE_ORIGINS).toEqual([]);
    expect(
      loadConfig({ NIANBAO_ALLOW_PRIVATE_ORIGINS: 'http://10.1.2.3:8080/, https://intranet.example ,' })
        .NIANBAO_ALLOW_PRIVATE_ORIGINS,
    ).toEqual(['http://10.1.2.3:8080', 'https://intranet.example']);
  });

  it('fails fast on an entry that is not an origin', () => {
    expect(() => loadConfig({ NIANBAO_ALLOW_PRIVATE_ORIGINS: 'http://10.1.2.3/admin' })).toThrow(
      /NIANBAO_ALLOW_PRIVATE_ORIGINS: not an http\(s\) origin: "http:\/\/10.1.2.3\/admin"/,
    );
  });
});
