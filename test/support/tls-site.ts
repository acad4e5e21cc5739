import { webcrypto } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  der: Uint8Array;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

const pem = (label: string, der: ArrayBuffer | Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der))
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END ${label}-----\n`;

/**
 * A self-signed server certificate for loopback (CN `name`, subjectAltName DNS:localhost and IP 127.0.0.1,
 * ECDSA P-256, valid 2020–2040), built with pkijs; a client trusts it by naming it as its only CA.
 */
export async function testServerCertificate(name = 'nianbao test portal'): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: 7 });
  for (const n of [cert.issuer, cert.subject])
    n.typesAndValues.push(
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: name }) }),
    );
  cert.notBefore.value = new Date('2020-01-01T00:00:00Z');
  cert.notAfter.value = new Date('2040-01-01T00:00:00Z');
  const san = new pkijs.GeneralNames({
    names: [
      new pkijs.GeneralName({ type: 2, value: 'localhost' }),
      new pkijs.GeneralName({
        type: 7,
        value: new asn1js.OctetString({ valueHex: new Uint8Array([127, 0, 0, 1]).buffer }),
      }),
    ],
  });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.17', critical: false, extnValue: san.toSchema().toBER(false) }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  await cert.sign(keys.privateKey, 'SHA-256');
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: pem('CERTIFICATE', der), keyPem: pem('PRIVATE KEY', pkcs8), der };
}

export interface TlsFront {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/**
 * An HTTPS server on 127.0.0.1 that terminates TLS with `cert` and passes every request on to the plain
 * http `target` origin (a test portal), path and headers unchanged: the portal, served over https.
 */
export async function startTlsFront(target: string, cert: TestCertificate): Promise<TlsFront> {
  const to = new URL(target);
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const out = httpRequest(
      {
        host: to.hostname,
        port: to.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: to.host },
      },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
