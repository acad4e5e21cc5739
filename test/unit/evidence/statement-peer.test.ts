import { describe, expect, it } from 'vitest';
import { peerLine } from '#shared/evidence/statement.ts';

const CERT = {
  sha256: 'ab'.repeat(32),
  subject: 'www.jzq.gov.cn',
  san: ['DNS:www.jzq.gov.cn', 'DNS:jzq.gov.cn', 'DNS:a.jzq.gov.cn', 'DNS:b.jzq.gov.cn'],
  sanMore: 3,
  issuer: 'Example OV CA',
  validFrom: '2026-01-01T00:00:00Z',
  validTo: '2027-01-01T00:00:00Z',
};

describe('取证说明: one copy’s connection line (pure)', () => {
  it('says plainly that nothing was recorded when the copy has no record', () => {
    expect(peerLine(undefined)).toMatch(/^对端地址与 TLS 未记录 not recorded/);
    expect(peerLine(null)).toMatch(/^对端地址与 TLS 未记录 not recorded/);
  });

  it('plain http: the address and port, no TLS; an IPv6 address in brackets', () => {
    expect(peerLine({ address: '218.87.20.111', port: 80, tls: null })).toBe(
      '对端地址 peer 218.87.20.111:80; no TLS (plain http)',
    );
    expect(peerLine({ address: '2001:db8::1', port: 80, tls: null })).toContain('[2001:db8::1]:80');
  });

  it('https: protocol, cipher, the certificate’s fingerprint, names, the SAN entries left out, and dates', () => {
    const line = peerLine({
      address: '218.87.20.111',
      port: 443,
      tls: { protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', certificate: CERT },
    });
    expect(line).toBe(
      `对端地址 peer 218.87.20.111:443; TLS TLSv1.2, cipher TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; 服务器证书 server certificate SHA-256 \`${'ab'.repeat(32)}\`, subject CN www.jzq.gov.cn, SAN DNS:www.jzq.gov.cn, DNS:jzq.gov.cn, DNS:a.jzq.gov.cn, DNS:b.jzq.gov.cn (+3 more), issuer Example OV CA, valid 2026-01-01T00:00:00Z – 2027-01-01T00:00:00Z`,
    );
  });

  it('through the egress proxy: names the proxy, not the portal, and says the portal’s address is not recorded', () => {
    const line = peerLine({
      address: '10.0.0.5',
      port: 3128,
      via: 'proxy',
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', certificate: null },
    });
    expect(line).toBe(
      "egress proxy 10.0.0.5:3128 (the portal's address was resolved by the proxy, not recorded); TLS TLSv1.3, cipher TLS_AES_128_GCM_SHA256; server certificate not recorded",
    );
  });
});
