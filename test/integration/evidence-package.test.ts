import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { sha256Of } from '#shared/evidence/canonical-json.ts';
import { listDailyRoots } from '#shared/evidence/daily-root.ts';
import { complaintLetterUrl, evidencePackageUrl } from '#shared/evidence/links.ts';
import { buildEvidencePackage, PACKAGE_PATHS, parseTarget } from '#shared/evidence/package-build.ts';
import { formatPackageVerification, verifyPackage } from '#shared/evidence/package-verify.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { startTestTsa, type TestTsa, tsaCertificate } from '#test/support/tsa-server.ts';

const TODAY = '2026-11-24';
const run = promisify(execFile);
const BIN = new URL('../../bin/nianbao.mjs', import.meta.url).pathname;
const SOFTWARE = { name: 'nianbao-watch', version: '0.1.0', userAgent: 'nianbao-watch/0.1 (test)' };

/** Reads every record of a WARC with warcio's parser: type, target, WARC headers and payload sha256. */
async function readWarc(bytes: Uint8Array) {
  const out: Array<{
    type: string;
    url: string;
    digest: string | null;
    key: string | null;
    ip: string | null;
    sha256: string;
  }> = [];
  for await (const record of new WARCParser([bytes])) {
    const payload = await record.readFully(false);
    out.push({
      type: record.warcType ?? '',
      url: record.warcTargetURI ?? '',
      digest: record.warcHeader('WARC-Payload-Digest') ?? null,
      key: record.warcHeader('WARC-Nianbao-Archive-Key') ?? null,
      ip: record.warcHeader('WARC-IP-Address') ?? null,
      sha256: sha256Of(payload),
    });
  }
  return out;
}

describe('evidence packages from the demo cycle', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let tsa: TestTsa;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-evidence-'));
    tsa = await startTestTsa();
    portal = await startDemoPortal();
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: TODAY,
      NIANBAO_TSA_URL: tsa.url,
    });
    rt = await startRuntime({ config, originMap: portal.originMap });
    // The cycle records the day's root after its sweep, timestamped by the configured TSA.
    await runCycle(rt, { force: true });
    // The root is dated by the real clock, not the simulated TODAY.
    const root = (await listDailyRoots(rt.ctx.repo)).at(-1);
    if (!root?.timestamp) throw new Error('the cycle recorded no timestamped daily root');
  });
  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await tsa?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a report's package holds the page, its listing snapshot and their hashes, as warcio reads them", async () => {
    const report = await rt.ctx.repo.getReport('360802', 2017);
    expect(report).toBeDefined();
    const pkg = await buildEvidencePackage(rt.ctx, parseTarget('360802/2017'), SOFTWARE);
    const files = unzipSync(pkg.bytes);
    for (const path of Object.values(PACKAGE_PATHS)) expect(Object.keys(files)).toContain(path);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['datapackage.json', 'datapackage-digest.json']),
    );

    const records = await readWarc(files[PACKAGE_PATHS.warc]!);
    expect(records[0]?.type).toBe('warcinfo');
    const responses = records.filter((r) => r.type === 'response');
    expect(records.filter((r) => r.type === 'request')).toHaveLength(responses.length);
    // The report page as archived: same bytes, same sha256, under its archive key.
    const page = responses.find((r) => r.key === report!.rawKey);
    expect(page?.sha256).toBe(report!.sha256);
    expect(page?.digest).toBe(`sha256:${report!.sha256}`);
    // Every response is an archived object, byte for byte, and its listing snapshot is among them.
    const kinds = new Set<string>();
    for (const r of responses) {
      const { bytes, meta } = await rt.ctx.archive.get(r.key!);
      expect(r.sha256).toBe(sha256Of(bytes));
      expect(r.digest).toBe(`sha256:${meta.sha256}`);
      // WARC-IP-Address: the address the crawler connected to (the demo portal on loopback).
      expect(r.ip).toBe(meta.peer?.address);
      expect(r.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
      kinds.add(meta.kind);
    }
    expect(kinds).toEqual(new Set(['detail', 'listing']));
    // The manifest gives every file's sha256.
    const dp = JSON.parse(new TextDecoder().decode(files['datapackage.json']));
    for (const r of dp.resources) expect(r.hash).toBe(`sha256:${sha256Of(files[r.path]!)}`);
    expect(new TextDecoder().decode(files[PACKAGE_PATHS.statement])).toMatch(/取证说明[\s\S]*未记录的事项/);

    const v = await verifyPackage(pkg.bytes, tsa.certDer);
    expect(formatPackageVerification(v).at(-1)).toBe('verified: every check holds');
    expect(v.ok).toBe(true);
  });

  it("a deadline.missing finding's package carries the absence proof, chained to the timestamped daily root", async () => {
    const pkg = await buildEvidencePackage(rt.ctx, parseTarget('deadline.missing/620421-rsj/2025'), SOFTWARE);
    const files = unzipSync(pkg.bytes);
    const proof = JSON.parse(new TextDecoder().decode(files[PACKAGE_PATHS.proof]));
    expect(proof.proving).toEqual([
      expect.objectContaining({ why: expect.stringMatching(/no 2025 report listed/) }),
    ]);
    expect(proof.chain.root.timestamp.tsaUrl).toBe(tsa.url);
    const records = await readWarc(files[PACKAGE_PATHS.warc]!);
    expect(records.filter((r) => r.type === 'response').length).toBeGreaterThan(0);

    const v = await verifyPackage(pkg.bytes, tsa.certDer);
    expect(v.ok).toBe(true);
    const lines = formatPackageVerification(v).join('\n');
    expect(lines).toMatch(/✓ Merkle inclusion of the head .* holds/);
    expect(lines).toMatch(/✓ timestamp: signature verifies/);

    expect(v.verified).toBe(true);
    // Offline with only the certificate the token carries: nothing broken, but NOT verified.
    const selfCert = await verifyPackage(pkg.bytes);
    expect(selfCert).toMatchObject({ ok: true, verified: false, trusted: false });
    expect(formatPackageVerification(selfCert).join('\n')).toMatch(
      /! timestamp NOT verified: the token verifies only against the certificate INSIDE the package[^\n]*\nnote: [^\n]*\nNOT verified: nothing found broken, but the timestamp was not checked against a trusted TSA certificate/,
    );
    // Another TSA's certificate: the timestamp does not hold.
    const other = await tsaCertificate('another TSA');
    const wrong = await verifyPackage(pkg.bytes, other.der);
    expect(wrong.ok).toBe(false);
    expect(formatPackageVerification(wrong).join('\n')).toMatch(/✗ timestamp: signature does NOT verify/);
  });

  it('a package changed after it was made is reported where it was changed', async () => {
    const pkg = await buildEvidencePackage(rt.ctx, parseTarget('360802/2017'), SOFTWARE);
    const files = unzipSync(pkg.bytes);
    const proof = JSON.parse(new TextDecoder().decode(files[PACKAGE_PATHS.proof]));
    proof.chain.entries[0].outcome = 'failed';
    const edited = { ...files, [PACKAGE_PATHS.proof]: new TextEncoder().encode(JSON.stringify(proof)) };
    const v = await verifyPackage(zipSync(edited), tsa.certDer);
    expect(v.ok).toBe(false);
    const failed = v.checks.filter((c) => !c.ok).map((c) => c.text);
    expect(failed).toEqual([
      expect.stringMatching(/^evidence\/proof.json: hashes to sha256:\w+ .* the manifest says/),
      expect.stringMatching(/^check log: edited at entry 1/),
    ]);
  });

  it('names what is not known', async () => {
    await expect(
      buildEvidencePackage(rt.ctx, parseTarget('deadline.missing/360802/2001'), SOFTWARE),
    ).rejects.toThrow(/no finding deadline.missing\/360802\/2001/);
    expect(() => parseTarget('nonsense')).toThrow(/expected bodyId\/year or rule\/bodyId\/year/);
  });

  it('is served at GET /evidence/:id/package.wacz, the link the mail and the dashboard use', async () => {
    const app = createApp(rt.ctx);
    const id = 'deadline.missing/620421-rsj/2025';
    expect(evidencePackageUrl(id)).toBe('/evidence/deadline.missing%2F620421-rsj%2F2025/package.wacz');
    expect(complaintLetterUrl(id, 'docx')).toBe('/evidence/deadline.missing%2F620421-rsj%2F2025/letter.docx');
    expect(complaintLetterUrl('spam.injection/2112/2017')).toBeNull();
    const res = await app.request(evidencePackageUrl(id));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="deadline.missing_620421-rsj_2025.wacz"',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(res.headers.get('x-content-sha256')).toBe(sha256Of(bytes));
    expect((await verifyPackage(bytes, tsa.certDer)).ok).toBe(true);
    expect((await app.request(evidencePackageUrl('deadline.missing/620421-rsj/2001'))).status).toBe(404);
    expect((await app.request(evidencePackageUrl('nonsense'))).status).toBe(400);
  });

  it("serves the draft complaint letter of a missing report at the finding's letter URLs", async () => {
    const app = createApp(rt.ctx);
    const id = 'deadline.missing/620421-rsj/2025';
    const md = await app.request(complaintLetterUrl(id, 'md')!);
    expect(md.status).toBe(200);
    const text = await md.text();
    expect(text).toMatch(
      /^# 关于靖远县人力资源和社会保障局未按期公开2025年政府信息公开工作年度报告的情况反映（草稿）/,
    );
    expect(text).toContain('靖远县人民政府办公室：');
    expect(text).toContain('草稿，非法律意见。');
    expect(text).toMatch(/证据包 SHA-256：[0-9a-f]{64}/);
    const docx = await app.request(complaintLetterUrl(id, 'docx')!);
    expect(docx.status).toBe(200);
    const xml = new TextDecoder().decode(
      unzipSync(new Uint8Array(await docx.arrayBuffer()))['word/document.xml'],
    );
    expect(xml).toContain('靖远县人民政府办公室：');
    expect((await app.request('/evidence/spam.injection%2F2112%2F2017/letter.md')).status).toBe(400);
  });

  it('`nianbao verify <package>` exits 0 verified, 2 without a trusted TSA certificate, 1 when it does not hold, 3 when it cannot run', {
    timeout: 300_000,
  }, async () => {
    const pkg = await buildEvidencePackage(rt.ctx, parseTarget('360802/2017'), SOFTWARE);
    const file = join(dir, 'p.wacz');
    const cert = join(dir, 'tsa.der');
    const other = join(dir, 'other.pem');
    await writeFile(file, pkg.bytes);
    await writeFile(cert, tsa.certDer);
    const otherDer = (await tsaCertificate('another TSA')).der;
    await writeFile(
      other,
      `-----BEGIN CERTIFICATE-----\n${Buffer.from(otherDer).toString('base64')}\n-----END CERTIFICATE-----\n`,
    );
    const ok = await run(process.execPath, [BIN, 'verify', file, '--tsa-cert', cert]);
    expect(ok.stdout).toMatch(/✓ Merkle inclusion[\s\S]*verified: every check holds\n$/);
    // The trusted certificate configured once (NIANBAO_TSA_CERT) instead of the flag.
    const env = { ...process.env, NIANBAO_TSA_CERT: `${other},${cert}` };
    const configured = await run(process.execPath, [BIN, 'verify', file], { env });
    expect(configured.stdout).toMatch(/verified: every check holds\n$/);
    // No trust anchor: the package's own certificate is not one.
    const { NIANBAO_TSA_CERT: _, ...bare } = process.env;
    const unanchored = await run(process.execPath, [BIN, 'verify', file], { env: bare }).catch((e) => e);
    expect(unanchored.code).toBe(2);
    expect(unanchored.stdout).toMatch(/! timestamp NOT verified[\s\S]*\nNOT verified: nothing found broken/);
    const missing = await run(process.execPath, [BIN, 'verify', join(dir, 'nothing.wacz')]).catch((e) => e);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^nianbao verify: ENOENT/);
    const files = unzipSync(pkg.bytes);
    files[PACKAGE_PATHS.statement] = new TextEncoder().encode('edited');
    await writeFile(file, zipSync(files));
    const bad = await run(process.execPath, [BIN, 'verify', file, '--tsa-cert', cert]).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✗ evidence\/statement.md: hashes to/);
  });
});
