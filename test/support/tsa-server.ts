import { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ID_CT_TSTINFO } from '#shared/evidence/tsa.ts';

export interface TestTsa {
  /** The TimeStampReq endpoint (POST application/timestamp-query). */
  url: string;
  /** The TSA's certificate, DER. */
  certDer: Uint8Array;
  /** Requests answered. */
  requests: number;
  close(): Promise<void>;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * A self-signed certificate with the critical id-kp-timeStamping usage RFC 3161 §2.3 asks of a TSA (built
 * with pkijs: @peculiar/x509 needs a reflect-metadata polyfill the project does not have).
 */
export async function tsaCertificate(name = 'nianbao test TSA'): Promise<{
  cert: pkijs.Certificate;
  der: Uint8Array;
  keys: CryptoKeyPair;
}> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: 1 });
  for (const n of [cert.issuer, cert.subject])
    n.typesAndValues.push(
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: name }) }),
    );
  cert.notBefore.value = new Date('2020-01-01T00:00:00Z');
  cert.notAfter.value = new Date('2040-01-01T00:00:00Z');
  const eku = new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.8'] });
  cert.extensions = [
    new pkijs.Extension({
      extnID: '2.5.29.37',
      critical: true,
      extnValue: eku.toSchema().toBER(false),
      parsedValue: eku,
    }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  await cert.sign(keys.privateKey, 'SHA-256');
  return { cert, der: new Uint8Array(cert.toSchema(true).toBER(false)), keys };
}

/**
 * A real RFC 3161 TSA on 127.0.0.1: reads each TimeStampReq, answers a granted TimeStampResp whose token is
 * SignedData (signed with an ECDSA P-256 key) over a TSTInfo with the request's imprint and nonce, the
 * current time, a serial counting up and the TSA's certificate when asked.
 */
export async function startTestTsa(): Promise<TestTsa> {
  const { cert: pkiCert, der, keys } = await tsaCertificate();
  let serial = 0;
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const tsReq = pkijs.TimeStampReq.fromBER(Buffer.concat(chunks));
          serial += 1;
          state.requests += 1;
          const tst = new pkijs.TSTInfo({
            version: 1,
            policy: '1.3.6.1.4.1.99999.1',
            messageImprint: tsReq.messageImprint,
            serialNumber: new asn1js.Integer({ value: serial }),
            genTime: new Date(),
            ...(tsReq.nonce ? { nonce: tsReq.nonce } : {}),
          });
          const signed = new pkijs.SignedData({
            version: 3,
            encapContentInfo: new pkijs.EncapsulatedContentInfo({
              eContentType: ID_CT_TSTINFO,
              eContent: new asn1js.OctetString({ valueHex: tst.toSchema().toBER(false) }),
            }),
            signerInfos: [
              new pkijs.SignerInfo({
                version: 1,
                sid: new pkijs.IssuerAndSerialNumber({
                  issuer: pkiCert.issuer,
                  serialNumber: pkiCert.serialNumber,
                }),
              }),
            ],
            ...(tsReq.certReq ? { certificates: [pkiCert] } : {}),
          });
          await signed.sign(keys.privateKey, 0, 'SHA-256');
          const resp = new pkijs.TimeStampResp({
            status: new pkijs.PKIStatusInfo({ status: 0 }),
            timeStampToken: new pkijs.ContentInfo({
              contentType: pkijs.ContentInfo.SIGNED_DATA,
              content: signed.toSchema(true),
            }),
          });
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
          res.end(Buffer.from(resp.toSchema().toBER(false)));
        } catch (error) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end(String(error));
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    certDer: der,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
