import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToken, requestTimestamp, TimestampError, verifyToken } from '#shared/evidence/tsa.ts';
import { startTestTsa, type TestTsa, tsaCertificate } from '#test/support/tsa-server.ts';

describe('RFC 3161 against a local TSA', () => {
  let tsa: TestTsa;
  beforeAll(async () => {
    tsa = await startTestTsa();
  });
  afterAll(async () => tsa.close());
  // What the daily root stamps: the 32 bytes of a Merkle root.
  const digest = new Uint8Array(createHash('sha256').update('a daily root').digest());

  it('stamps a digest and the token verifies with the TSA certificate', async () => {
    const { token, genTime } = await requestTimestamp(tsa.url, digest);
    expect(readToken(token).genTime).toBe(genTime);
    const check = await verifyToken(token, digest, tsa.certDer);
    expect(check.ok).toBe(true);
    expect(check.lines.join('\n')).toMatch(/signature verifies/);
  });

  it('reports a wrong certificate and a digest the token does not cover', async () => {
    const { token } = await requestTimestamp(tsa.url, digest);
    const other = await tsaCertificate('another TSA');
    const wrongCert = await verifyToken(token, digest, other.der);
    expect(wrongCert.ok).toBe(false);
    expect(wrongCert.lines.join('\n')).toMatch(/does NOT verify/);
    const otherDigest = new Uint8Array(createHash('sha256').update('another root').digest());
    const wrongDigest = await verifyToken(token, otherDigest, tsa.certDer);
    expect(wrongDigest.ok).toBe(false);
    expect(wrongDigest.lines[0]).toMatch(/does not cover/);
  });

  it('a TSA that is down or answers an error is a TimestampError', async () => {
    await expect(requestTimestamp(`${tsa.url}x`.replace(/:\d+\//, ':1/'), digest)).rejects.toBeInstanceOf(
      TimestampError,
    );
  });
});
