import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * RFC 3161 time-stamping (Time-Stamp Protocol): asking a time-stamping authority (TSA) for a token over a
 * SHA-256 digest, and checking a token offline against the TSA's certificate. Built on pkijs.
 */

const SHA256 = '2.16.840.1.101.3.4.2.1';
/** id-ct-TSTInfo (RFC 3161 §2.4.2). */
export const ID_CT_TSTINFO = '1.2.840.113549.1.9.16.1.4';

pkijs.setEngine('nianbao', new pkijs.CryptoEngine({ name: 'nianbao', crypto: webcrypto as Crypto }));

export class TimestampError extends Error {
  override name = 'TimestampError';
}

const toBuffer = (view: ArrayBuffer | Uint8Array): Uint8Array =>
  view instanceof Uint8Array ? view : new Uint8Array(view);

/** A DER TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 digest, asking for the TSA's certificate. */
export function timestampRequest(digest: Uint8Array, nonce: bigint): Uint8Array {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    nonce: asn1js.Integer.fromBigInt(nonce),
    certReq: true,
  });
  return toBuffer(req.toSchema().toBER(false));
}

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

/**
 * POSTs a TimeStampReq for SHA-256(`data`) to `url` (`application/timestamp-query`, RFC 3161 §3.4) and
 * returns the token (DER ContentInfo) of a granted answer with its time (ISO 8601).
 *
 * @throws TimestampError when the TSA does not answer 200 with a granted TimeStampResp, or the token does
 *   not cover the digest or echo the nonce.
 */
export async function requestTimestamp(
  url: string,
  data: Uint8Array,
  fetchImpl: typeof fetch = fetch,
): Promise<{ token: Uint8Array; genTime: string }> {
  const digest = sha256(data);
  const nonce = BigInt(`0x${Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex')}`);
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: Buffer.from(timestampRequest(digest, nonce)),
    });
  } catch (error) {
    throw new TimestampError(`TSA ${url} unreachable: ${(error as Error).message}`);
  }
  if (res.status !== 200) throw new TimestampError(`TSA ${url} answered HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(body);
  } catch {
    throw new TimestampError(`TSA ${url} answered something that is not a TimeStampResp`);
  }
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken)
    throw new TimestampError(`TSA ${url} refused the request (PKIStatus ${status})`);
  const token = toBuffer(resp.timeStampToken.toSchema().toBER(false));
  const info = readToken(token);
  if (Buffer.compare(Buffer.from(info.digest), Buffer.from(digest)) !== 0)
    throw new TimestampError(`TSA ${url} stamped another digest`);
  if (info.nonce !== nonce) throw new TimestampError(`TSA ${url} did not echo the nonce`);
  return { token, genTime: info.genTime };
}

/** What a token says: the digest it covers, its time, serial, policy and nonce. */
export interface TokenInfo {
  digest: Uint8Array;
  hashAlgorithm: string;
  genTime: string;
  serialNumber: string;
  policy: string;
  nonce: bigint | null;
}

function signedDataOf(token: Uint8Array): pkijs.SignedData {
  const ci = pkijs.ContentInfo.fromBER(new Uint8Array(token));
  if (ci.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new TimestampError('token is not SignedData');
  return new pkijs.SignedData({ schema: ci.content });
}

/**
 * Reads a token (DER ContentInfo of SignedData over a TSTInfo) without verifying it.
 *
 * @throws TimestampError when it is not one.
 */
export function readToken(token: Uint8Array): TokenInfo {
  try {
    const sd = signedDataOf(token);
    if (sd.encapContentInfo.eContentType !== ID_CT_TSTINFO)
      throw new TimestampError('token holds no TSTInfo');
    const econtent = sd.encapContentInfo.eContent;
    if (!econtent) throw new TimestampError('token holds no TSTInfo');
    const tst = pkijs.TSTInfo.fromBER(econtent.getValue());
    return {
      digest: new Uint8Array(tst.messageImprint.hashedMessage.getValue()),
      hashAlgorithm: tst.messageImprint.hashAlgorithm.algorithmId,
      genTime: tst.genTime.toISOString(),
      serialNumber: Buffer.from(tst.serialNumber.valueBlock.valueHexView).toString('hex'),
      policy: tst.policy,
      nonce: tst.nonce ? tst.nonce.toBigInt() : null,
    };
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    throw new TimestampError(`not an RFC 3161 token: ${(error as Error).message}`);
  }
}

/** The outcome of checking a token offline. */
export interface TokenCheck {
  ok: boolean;
  /** What holds and what does not, one line each. */
  lines: string[];
  genTime: string | null;
}

/**
 * Checks a token offline: its imprint is SHA-256(`data`), and its signature verifies with the public key
 * of `certificate` (DER X.509), which must be the certificate that signed it (matched by the signer's
 * issuer and serial number). The certificates the token itself carries are not trusted.
 * No revocation or chain-to-root checks (docs/evidence.md says what this leaves to the reader).
 */
export async function verifyToken(
  token: Uint8Array,
  data: Uint8Array,
  certificate: Uint8Array,
): Promise<TokenCheck> {
  const digest = sha256(data);
  const lines: string[] = [];
  let info: TokenInfo;
  try {
    info = readToken(token);
  } catch (error) {
    return { ok: false, lines: [`token unreadable: ${(error as Error).message}`], genTime: null };
  }
  let ok = true;
  const covers = info.hashAlgorithm === SHA256 && Buffer.from(info.digest).equals(Buffer.from(digest));
  lines.push(
    covers
      ? `token covers the digest ${Buffer.from(digest).toString('hex')} (SHA-256), time ${info.genTime}`
      : `token does not cover the digest: it stamps ${Buffer.from(info.digest).toString('hex')}`,
  );
  ok &&= covers;
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(new Uint8Array(certificate));
  } catch {
    return {
      ok: false,
      lines: [...lines, 'the TSA certificate given is not a DER X.509 certificate'],
      genTime: info.genTime,
    };
  }
  const sd = signedDataOf(token);
  sd.certificates = [cert];
  let verified = false;
  let why = '';
  try {
    verified = await sd.verify({ signer: 0, checkChain: false, data: new Uint8Array(data).buffer });
  } catch (error) {
    why = (error as { message?: string }).message ?? String(error);
  }
  lines.push(
    verified
      ? `signature verifies with the TSA certificate (${cert.subject.typesAndValues.map((t) => t.value.valueBlock.value).join(', ')})`
      : `signature does NOT verify with the TSA certificate given${why ? `: ${why}` : ''}`,
  );
  ok &&= verified;
  return { ok, lines, genTime: info.genTime };
}

/** The certificates a token carries (DER), in its order: what a TSA sends when asked (`certReq`). */
export function tokenCertificates(token: Uint8Array): Uint8Array[] {
  try {
    return (signedDataOf(token).certificates ?? []).flatMap((c) =>
      c instanceof pkijs.Certificate ? [new Uint8Array(c.toSchema(true).toBER(false))] : [],
    );
  } catch {
    return [];
  }
}

/**
 * Checks a token against a set of trusted TSA certificates (DER): holds when it verifies with one of them
 * (`verifyToken`). With none given, it does not hold: a token is never trusted on its own certificates.
 */
export async function verifyTokenTrusted(
  token: Uint8Array,
  data: Uint8Array,
  certificates: readonly Uint8Array[],
): Promise<TokenCheck> {
  if (certificates.length === 0)
    return {
      ok: false,
      lines: ['no trusted TSA certificate given: the token is not verified'],
      genTime: null,
    };
  let first: TokenCheck | undefined;
  for (const certificate of certificates) {
    const check = await verifyToken(token, data, certificate);
    if (check.ok) return check;
    first ??= check;
  }
  const failed = first as TokenCheck;
  if (certificates.length === 1) return failed;
  return {
    ...failed,
    lines: [
      ...failed.lines,
      `signature verifies with none of the ${certificates.length} trusted TSA certificates given`,
    ],
  };
}
