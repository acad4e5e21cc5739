import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { sha256Of } from '#shared/evidence/canonical-json.ts';
import { recomputeHash } from '#shared/evidence/check-chain.ts';
import { leafData, listDailyRoots } from '#shared/evidence/daily-root.ts';
import { merkleRoot } from '#shared/evidence/merkle.ts';
import { buildEvidencePackage, PACKAGE_PATHS, parseTarget } from '#shared/evidence/package-build.ts';
import {
  formatPackageVerification,
  verificationExitCode,
  verifyPackage,
} from '#shared/evidence/package-verify.ts';
import { requestTimestamp } from '#shared/evidence/tsa.ts';
import { zipWacz } from '#shared/evidence/wacz.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { startTestTsa, type TestTsa } from '#test/support/tsa-server.ts';

const TODAY = '2026-11-24';
const SOFTWARE = { name: 'nianbao-watch', version: '0.1.0', userAgent: 'nianbao-watch/0.1 (test)' };
const dec = (b?: Uint8Array) => new TextDecoder().decode(b);
const enc = (s: string) => new TextEncoder().encode(s);

/** Re-zips a tampered package with a freshly recomputed manifest (anyone can: it is not signed). */
function rezip(files: Record<string, Uint8Array>) {
  const rest = { ...files };
  const dp = JSON.parse(dec(rest['datapackage.json']));
  delete rest['datapackage.json'];
  delete rest['datapackage-digest.json'];
  return zipWacz(rest, { title: dp.title, created: dp.created, software: dp.software }).bytes;
}

/** Adversarial review of issue 16: evidence packages re-forged with their unsigned manifest recomputed. */
describe('adv16: evidence package tampering', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let tsa: TestTsa;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adv16-'));
    tsa = await startTestTsa();
    portal = await startDemoPortal();
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: TODAY,
      NIANBAO_TSA_URL: tsa.url,
    });
    rt = await startRuntime({ config, originMap: portal.originMap });
    await runCycle(rt, { force: true });
    if (!(await listDailyRoots(rt.ctx.repo)).at(-1)?.timestamp) throw new Error('no timestamped root');
  }, 300_000);
  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await tsa?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const build = async (target: string) =>
    unzipSync((await buildEvidencePackage(rt.ctx, parseTarget(target), SOFTWARE)).bytes);

  it('an untouched package verifies, and says finding.json and the statement are its own claims', async () => {
    const v = await verifyPackage(rezip(await build('360802/2017')), tsa.certDer);
    const lines = formatPackageVerification(v);
    expect(v.ok).toBe(true);
    expect(lines.join('\n')).toMatch(
      /note: evidence\/finding.json, evidence\/statement.md \(取证说明\), .*fetch times and connection records, and the WARC records' headers .* are the package's own claims/,
    );
    // Every replay-index line points at a verified response.
    expect(lines.join('\n')).toMatch(/✓ replay index: \d+ line\(s\), each pointing at a verified response/);
  });

  it('a named daily root without the path from the entries to it is broken (exit 1), not "not yet rooted" (exit 2) (adversarial review of issue 16)', async () => {
    const files = await build('360802/2017');
    const proof = JSON.parse(dec(files[PACKAGE_PATHS.proof]));
    expect(proof.chain.root).toBeTruthy();
    proof.chain.leaf = null;
    proof.chain.leafIndex = null;
    files[PACKAGE_PATHS.proof] = enc(JSON.stringify(proof));
    const v = await verifyPackage(rezip(files), tsa.certDer);
    expect(verificationExitCode(v)).toBe(1);
    expect(formatPackageVerification(v).join('\n')).toMatch(
      /✗ the package names the daily root of .* but no path/,
    );
  });

  it('a WARC resource record with forged bytes for the report URL, indexed for replay, is broken (adversarial review of issue 16)', async () => {
    const files = await build('360802/2017');
    const warcPath = 'archive/data.warc.gz';
    const url = 'http://www.jzq.gov.cn/forged.html';
    const body = '<html><body>伪造的页面</body></html>';
    const record = [
      'WARC/1.1',
      'WARC-Type: resource',
      `WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>`,
      'WARC-Date: 2026-11-24T00:00:00Z',
      `WARC-Target-URI: ${url}`,
      'Content-Type: text/html',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
      '',
      '',
    ].join('\r\n');
    // One more gzip member, as the builder writes one per record.
    files[warcPath] = Buffer.concat([Buffer.from(files[warcPath]!), gzipSync(Buffer.from(record))]);
    const index = 'indexes/index.cdx';
    files[index] = Buffer.concat([
      Buffer.from(files[index]!),
      Buffer.from(
        `cn,gov,jzq)/forged.html 20261124000000 ${JSON.stringify({ url, digest: 'sha256:0', offset: '0' })}\n`,
      ),
    ]);
    const v = await verifyPackage(rezip(files), tsa.certDer);
    const lines = formatPackageVerification(v).join('\n');
    expect(v.ok).toBe(false);
    expect(lines).toMatch(
      /✗ WARC resource record for http:\/\/www.jzq.gov.cn\/forged.html: not a record this software writes/,
    );
    expect(lines).toMatch(
      /✗ replay index line for http:\/\/www.jzq.gov.cn\/forged.html .* points at no verified response/,
    );
  });

  it('A1 a forged finding.json (another body) with the manifest recomputed is not verified', async () => {
    const files = await build('360802/2017');
    files[PACKAGE_PATHS.finding] = enc(dec(files[PACKAGE_PATHS.finding]).replaceAll('360802', '620421-rsj'));
    const v = await verifyPackage(rezip(files), tsa.certDer);
    expect(v.ok).toBe(false);
    expect(formatPackageVerification(v).join('\n')).toMatch(/✗ evidence\/finding.json is about 620421-rsj/);
  });

  it('A2 the report page bytes swapped in the WARC (digest and object list recomputed) are not verified', async () => {
    const report = await rt.ctx.repo.getReport('360802', 2017);
    const files = await build('360802/2017');
    const raw = gunzipSync(Buffer.from(files[PACKAGE_PATHS.warc]!)).toString('latin1');
    const keyAt = raw.indexOf(`WARC-Nianbao-Archive-Key: ${report!.rawKey}`);
    expect(keyAt).toBeGreaterThan(0);
    const recStart = raw.lastIndexOf('WARC/1.1', keyAt);
    const headEnd = raw.indexOf('\r\n\r\n', recStart) + 4;
    const len = Number(/Content-Length: (\d+)/i.exec(raw.slice(recStart, headEnd))![1]);
    const block = raw.slice(headEnd, headEnd + len);
    const httpEnd = block.indexOf('\r\n\r\n') + 4;
    const payload = block.slice(httpEnd);
    const i = payload.search(/[0-9]/);
    const forgedPayload = payload.slice(0, i) + (payload[i] === '9' ? '8' : '9') + payload.slice(i + 1);
    const oldSha = sha256Of(Buffer.from(payload, 'latin1'));
    const newSha = sha256Of(Buffer.from(forgedPayload, 'latin1'));
    const forged = (
      raw.slice(0, headEnd) +
      block.slice(0, httpEnd) +
      forgedPayload +
      raw.slice(headEnd + len)
    ).replace(`WARC-Payload-Digest: sha256:${oldSha}`, `WARC-Payload-Digest: sha256:${newSha}`);
    files[PACKAGE_PATHS.warc] = new Uint8Array(gzipSync(Buffer.from(forged, 'latin1')));
    files[PACKAGE_PATHS.objects] = enc(
      dec(files[PACKAGE_PATHS.objects]).replaceAll(`"sha256":"${oldSha}"`, `"sha256":"${newSha}"`),
    );
    const v = await verifyPackage(rezip(files), tsa.certDer);
    expect(v.ok).toBe(false);
    expect(formatPackageVerification(v).join('\n')).toMatch(/does not match its own archive key/);
  });

  it('A3 without --tsa-cert a package re-stamped by another TSA key does not read as verified', async () => {
    const files = await build('deadline.missing/620421-rsj/2025');
    const proof = JSON.parse(dec(files[PACKAGE_PATHS.proof]));
    const e = proof.chain.entries.at(-1);
    const leaf = { bodyId: proof.chain.bodyId, seq: e.chain.seq, hash: e.chain.hash };
    const root = merkleRoot([leafData(leaf)]);
    const evil = await startTestTsa();
    const { token, genTime } = await requestTimestamp(evil.url, Buffer.from(root, 'hex'));
    await evil.close();
    Object.assign(proof.chain, { leaf, leafIndex: 0, treeSize: 1, proof: [] });
    proof.chain.root = {
      ...proof.chain.root,
      size: 1,
      root,
      timestamp: { tsaUrl: evil.url, token: Buffer.from(token).toString('base64'), genTime },
    };
    files[PACKAGE_PATHS.proof] = enc(JSON.stringify(proof));
    const forged = rezip(files);
    const own = await verifyPackage(forged);
    const lines = formatPackageVerification(own);
    expect(lines.join('\n')).toMatch(
      /! timestamp NOT verified: the token verifies only against the certificate INSIDE/,
    );
    expect(lines.at(-1)).toMatch(/^NOT verified: nothing found broken, but the timestamp was not checked/);
    // `nianbao verify` exits 2 (not verified), never 0, on the package's own word.
    expect(verificationExitCode(own)).toBe(2);
    expect((await verifyPackage(forged, tsa.certDer)).ok).toBe(false);
  });

  it('A5 dropping finding.json and statement.md (and from the manifest) is not verified', async () => {
    const files = await build('360802/2017');
    delete files[PACKAGE_PATHS.finding];
    delete files[PACKAGE_PATHS.statement];
    const v = await verifyPackage(rezip(files), tsa.certDer);
    expect(v.ok).toBe(false);
    expect(formatPackageVerification(v).join('\n')).toMatch(/✗ evidence\/finding.json is missing/);
  });

  it('A8 an entry back-dated months, re-rooted under that date and stamped today by the real TSA, is a ✗', async () => {
    const files = await build('deadline.missing/620421-rsj/2025');
    const proof = JSON.parse(dec(files[PACKAGE_PATHS.proof]));
    const e = proof.chain.entries[0];
    e.at = '2026-04-01T02:00:00.000Z';
    e.chain.hash = recomputeHash(e);
    proof.chain.entries = [e];
    proof.proving = [{ ...proof.proving[0], seq: e.chain.seq, at: e.at }];
    const leaf = { bodyId: proof.chain.bodyId, seq: e.chain.seq, hash: e.chain.hash };
    const root = merkleRoot([leafData(leaf)]);
    const { token, genTime } = await requestTimestamp(tsa.url, Buffer.from(root, 'hex'));
    Object.assign(proof.chain, { leaf, leafIndex: 0, treeSize: 1, proof: [] });
    proof.chain.root = {
      ...proof.chain.root,
      date: '2026-04-01',
      at: '2026-04-01T03:00:00.000Z',
      size: 1,
      root,
      timestamp: { tsaUrl: tsa.url, token: Buffer.from(token).toString('base64'), genTime },
    };
    files[PACKAGE_PATHS.proof] = enc(JSON.stringify(proof));
    const v = await verifyPackage(rezip(files), tsa.certDer);
    expect(v.ok).toBe(false);
    expect(formatPackageVerification(v).join('\n')).toMatch(
      /✗ times: daily root of 2026-04-01: its token is dated/,
    );
  });
});
