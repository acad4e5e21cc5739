import { WARCParser } from 'warcio';
import { sha256Of } from './canonical-json.ts';
import { type StoredEntry, verifyChain } from './check-chain.ts';
import { leafData } from './daily-root.ts';
import { verifyInclusion } from './merkle.ts';
import { PACKAGE_PATHS } from './package-build.ts';
import type { ChainPath, ProvingEntry } from './proof-select.ts';
import { rootTimeProblems } from './root-times.ts';
import { readToken, tokenCertificates, verifyToken, verifyTokenTrusted } from './tsa.ts';
import { DATAPACKAGE, DATAPACKAGE_DIGEST, unzipWacz, type WaczResource } from './wacz.ts';

/** One statement of a verification: what was checked, and whether it holds. */
export interface Check {
  ok: boolean;
  /** `warn`: holds only as far as the package itself can say (no outside certificate given). */
  level?: 'warn';
  text: string;
}

export interface PackageVerification {
  /** Nothing is broken: every check holds, reservations (`warn`) aside. Not the same as verified. */
  ok: boolean;
  /** False when no trusted TSA certificate was given: the token was checked only against the one it carries. */
  trusted?: boolean;
  /** Verified: nothing broken, no reservation, the timestamp verified against a trusted TSA certificate. */
  verified: boolean;
  checks: Check[];
}

/**
 * The exit code of `nianbao verify` for a verification (docs/evidence.md, "Exit codes"): 0 verified; 1 a
 * check does not hold (✗); 2 nothing broken but NOT verified (no trusted TSA certificate, the root not
 * timestamped, or no daily root covering the entries yet: the lines marked !).
 */
export function verificationExitCode(v: { ok: boolean; verified: boolean }): 0 | 1 | 2 {
  return !v.ok ? 1 : v.verified ? 0 : 2;
}

/** The files a package must hold (the manifest and its digest are checked apart). */
const REQUIRED = [PACKAGE_PATHS.finding, PACKAGE_PATHS.statement, PACKAGE_PATHS.proof, PACKAGE_PATHS.objects];

/** What the verifier cannot vouch for: said under every verification. */
export const OWN_CLAIMS = `${PACKAGE_PATHS.finding}, ${PACKAGE_PATHS.statement} (取证说明), ${PACKAGE_PATHS.objects}'s fetch times and connection records, and the WARC records' headers (WARC-Date, WARC-IP-Address, HTTP headers) are the package's own claims, covered only by its unsigned manifest: the payloads are bound to the check log and its timestamped root, these are not, and no third party vouches for them`;

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : '');

/**
 * Verifies an evidence package offline (docs/evidence.md, "Verifying a package"): the datapackage digest,
 * every file's sha256 and size, every WARC response's payload against its digest and the object list, the
 * proving checks' listing snapshots against the WARC, the check-log chain path (each entry's hash and link),
 * the head's Merkle inclusion in the daily root, and the root's RFC 3161 token against `tsaCertificates`
 * (DER; any one of several) or, without one, against the certificate the token carries (reported as NOT
 * verified: `verified` false, exit code 2).
 * Never throws for a damaged package: each failure is a check that does not hold.
 */
export async function verifyPackage(
  bytes: Uint8Array,
  tsaCertificates?: Uint8Array | readonly Uint8Array[],
): Promise<PackageVerification> {
  const trustedCerts: readonly Uint8Array[] =
    tsaCertificates === undefined
      ? []
      : tsaCertificates instanceof Uint8Array
        ? [tsaCertificates]
        : tsaCertificates;
  const checks: Check[] = [];
  const add = (ok: boolean, t: string, level?: 'warn') =>
    checks.push({ ok, text: t, ...(level ? { level } : {}) });
  let files: Record<string, Uint8Array>;
  try {
    files = unzipWacz(bytes);
  } catch (error) {
    return { ok: false, verified: false, checks: [{ ok: false, text: (error as Error).message }] };
  }
  await checkManifest(files, add);
  for (const path of REQUIRED)
    if (!files[path]) add(false, `${path} is missing: a package without it is not one`);
  await checkWarc(files, add);
  let proof: { proving: ProvingEntry[]; chain: ChainPath } | null = null;
  try {
    proof = JSON.parse(text(files[PACKAGE_PATHS.proof]));
  } catch {
    add(false, `${PACKAGE_PATHS.proof} is missing or not JSON`);
  }
  if (proof) {
    checkClaims(proof, files, add);
    await checkChain(proof, files, trustedCerts, add);
  }
  const ok = checks.every((c) => c.ok || c.level === 'warn');
  const trusted = trustedCerts.length > 0 || !proof?.chain?.root?.timestamp;
  return { ok, trusted, verified: ok && trusted && checks.every((c) => c.ok), checks };
}

/**
 * finding.json belongs to the proof: its body and year are the proof's and its chain's, and the report's
 * archive key it names is in the object list (so the page in the WARC is the one the record names).
 */
function checkClaims(
  proof: { bodyId?: string; year?: number; chain: ChainPath },
  files: Record<string, Uint8Array>,
  add: Add,
): void {
  let finding: { body?: { id?: string }; year?: number; report?: { rawKey?: string } | null };
  try {
    finding = JSON.parse(text(files[PACKAGE_PATHS.finding]));
  } catch {
    return;
  }
  const bodyId = proof.chain?.bodyId;
  const same = finding.body?.id === bodyId && proof.bodyId === bodyId && finding.year === proof.year;
  add(
    same,
    same
      ? `${PACKAGE_PATHS.finding} is about ${bodyId} / ${finding.year}, the body and year of the proof`
      : `${PACKAGE_PATHS.finding} is about ${finding.body?.id} / ${finding.year}; the proof is about ${proof.bodyId} / ${proof.year}, its chain ${bodyId}`,
  );
  const rawKey = finding.report?.rawKey;
  if (rawKey) {
    let keys: string[] = [];
    try {
      keys = (JSON.parse(text(files[PACKAGE_PATHS.objects])) as Array<{ key: string }>).map((o) => o.key);
    } catch {}
    add(
      keys.includes(rawKey),
      `the report record's archive key ${rawKey} ${keys.includes(rawKey) ? 'is' : 'is NOT'} in the object list`,
    );
  }
}

type Add = (ok: boolean, t: string, level?: 'warn') => void;

async function checkManifest(files: Record<string, Uint8Array>, add: Add): Promise<void> {
  const dp = files[DATAPACKAGE];
  if (!dp) return add(false, `${DATAPACKAGE} is missing`);
  try {
    const digest = JSON.parse(text(files[DATAPACKAGE_DIGEST])) as { hash?: string };
    const actual = `sha256:${sha256Of(dp)}`;
    add(
      digest.hash === actual,
      `${DATAPACKAGE} hashes to ${actual}${digest.hash === actual ? ', as its digest file says' : `; the digest file says ${digest.hash}`}`,
    );
  } catch {
    add(false, `${DATAPACKAGE_DIGEST} is missing or not JSON`);
  }
  let resources: WaczResource[] = [];
  try {
    resources = (JSON.parse(text(dp)) as { resources: WaczResource[] }).resources;
  } catch {
    return add(false, `${DATAPACKAGE} is not JSON`);
  }
  const listed = new Set(resources.map((r) => r.path));
  for (const r of resources) {
    const data = files[r.path];
    if (!data) {
      add(false, `${r.path}: listed in the manifest, not in the package`);
      continue;
    }
    const actual = `sha256:${sha256Of(data)}`;
    add(
      actual === r.hash && data.byteLength === r.bytes,
      actual === r.hash && data.byteLength === r.bytes
        ? `${r.path}: ${r.bytes} bytes, ${actual}`
        : `${r.path}: hashes to ${actual} (${data.byteLength} bytes); the manifest says ${r.hash} (${r.bytes} bytes)`,
    );
  }
  for (const path of Object.keys(files))
    if (!listed.has(path) && path !== DATAPACKAGE && path !== DATAPACKAGE_DIGEST)
      add(false, `${path}: in the package but not in the manifest`);
}

async function checkWarc(files: Record<string, Uint8Array>, add: Add): Promise<void> {
  const warc = files[PACKAGE_PATHS.warc];
  if (!warc) return add(false, `${PACKAGE_PATHS.warc} is missing`);
  let objects: Array<{ key: string; sha256: string; url: string }> = [];
  try {
    objects = JSON.parse(text(files[PACKAGE_PATHS.objects]));
  } catch {
    add(false, `${PACKAGE_PATHS.objects} is missing or not JSON`);
  }
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const seen = new Set<string>();
  /** `<url> <digest>` of every response record whose payload verified: what replay may show. */
  const verified = new Set<string>();
  try {
    for await (const record of new WARCParser([warc])) {
      // A package holds only what the builder writes: anything else (a `resource` or `revisit` record with
      // bytes of its own) would be replayed without being bound to any archived object.
      if (!['warcinfo', 'request', 'response'].includes(record.warcType ?? '')) {
        add(
          false,
          `WARC ${record.warcType} record for ${record.warcTargetURI ?? 'no URI'}: not a record this software writes (only warcinfo, request and response), unbound to any archived object`,
        );
        continue;
      }
      if (record.warcType !== 'response') continue;
      const payload = await record.readFully(false);
      const actual = `sha256:${sha256Of(payload)}`;
      const stated = record.warcHeader('WARC-Payload-Digest');
      const key = record.warcHeader('WARC-Nianbao-Archive-Key') ?? '';
      const listed = byKey.get(key);
      seen.add(key);
      // Archive keys are content-addressed (raw/<bodyId>/<sha256>.<ext>): the payload must give its own key.
      const keyed = /^raw\/[^/]+\/([0-9a-f]{64})\.[\w.]+$/.exec(key)?.[1];
      if (keyed && `sha256:${keyed}` !== actual)
        add(
          false,
          `WARC response ${record.warcTargetURI}: payload ${actual} does not match its own archive key ${key}`,
        );
      const ok = actual === stated && listed !== undefined && `sha256:${listed.sha256}` === actual;
      if (ok) verified.add(`${record.warcTargetURI} ${actual}`);
      add(
        ok,
        ok
          ? `WARC response ${record.warcTargetURI}: payload ${actual}, as archived (${key})`
          : `WARC response ${record.warcTargetURI}: payload ${actual}; record says ${stated}; object list says ${listed ? `sha256:${listed.sha256}` : 'nothing'} for ${key || 'no key'}`,
      );
    }
  } catch (error) {
    add(false, `the WARC cannot be read: ${(error as Error).message}`);
  }
  for (const o of objects)
    if (!seen.has(o.key)) add(false, `${o.key} (${o.url}) is listed but has no WARC record`);
  checkIndex(files, verified, add);
}

/**
 * The replay index (CDXJ) may point only at verified responses: each line's URL and digest must be those of a
 * response record whose payload verified, or a replay tool would show bytes nothing vouches for.
 */
function checkIndex(files: Record<string, Uint8Array>, verified: ReadonlySet<string>, add: Add): void {
  const index = files[PACKAGE_PATHS.cdxj];
  if (!index) {
    add(false, `${PACKAGE_PATHS.cdxj} is missing`);
    return;
  }
  let bad = 0;
  const lines = text(index)
    .split('\n')
    .filter((l) => l.trim());
  for (const line of lines) {
    const json = line.slice(line.indexOf('{'));
    let entry: { url?: string; digest?: string } = {};
    try {
      entry = JSON.parse(json);
    } catch {
      // counted below as not pointing at a verified response
    }
    if (!verified.has(`${entry.url} ${entry.digest}`)) {
      bad += 1;
      add(
        false,
        `replay index line for ${entry.url ?? '?'} (${entry.digest ?? 'no digest'}) points at no verified response`,
      );
    }
  }
  if (bad === 0) add(true, `replay index: ${lines.length} line(s), each pointing at a verified response`);
}

async function checkChain(
  proof: { proving: ProvingEntry[]; chain: ChainPath },
  files: Record<string, Uint8Array>,
  certs: readonly Uint8Array[],
  add: Add,
): Promise<void> {
  const { chain } = proof;
  const entries = chain.entries as StoredEntry[];
  // Lists kept by reference are checked against the digest their entry binds (holders off the path too).
  const report = verifyChain(chain.bodyId, entries, [], (chain.referenced ?? []) as StoredEntry[]);
  // A path starts mid-chain: its first entry's link points outside the package, so it is not checked.
  const first = (entries[0]?.chain as { seq?: number } | undefined)?.seq ?? 1;
  const real = report.breaks.filter(
    (b) => !((b.kind === 'missing' || b.kind === 'prev-mismatch') && b.seq === first),
  );
  add(
    real.length === 0,
    real.length === 0
      ? `check log: entries ${first}–${report.head?.seq ?? first} of ${chain.bodyId} hash and link correctly`
      : `check log: ${real.map((b) => `${b.kind} at entry ${b.seq}: ${b.detail}`).join('; ')}`,
  );
  const snapshots = new Set(
    (JSON.parse(text(files[PACKAGE_PATHS.objects]) || '[]') as Array<{ sha256: string }>).map(
      (o) => o.sha256,
    ),
  );
  for (const p of proof.proving) {
    const entry = entries.find((e) => (e.chain as { seq: number }).seq === p.seq);
    if (!entry) {
      add(false, `proving entry ${p.seq} (${p.at}) is not on the chain path`);
      continue;
    }
    for (const page of (entry.pages as Array<{ url: string; sha256?: string; snapshotKey?: string }>) ?? [])
      if (page.snapshotKey && page.sha256)
        add(
          snapshots.has(page.sha256),
          `entry ${p.seq}: listing page ${page.url} snapshot sha256 ${page.sha256} ${snapshots.has(page.sha256) ? 'is in the WARC' : 'is NOT in the package'}`,
        );
  }
  if (!chain.root) {
    add(false, 'no daily root covers these entries yet: their time rests on this system alone', 'warn');
    return;
  }
  // A root is given but not the path to it: the entries are not shown to be under it (a package whose
  // entries were edited and the path dropped must not pass as merely "not yet rooted").
  if (!chain.leaf || chain.leafIndex === null || chain.treeSize === null) {
    add(false, `the package names the daily root of ${chain.root.date} but no path from these entries to it`);
    return;
  }
  const last = entries.at(-1)?.chain as { seq: number; hash: string } | undefined;
  const headOk =
    last?.seq === chain.leaf.seq && last.hash === chain.leaf.hash && chain.leaf.bodyId === chain.bodyId;
  add(
    headOk,
    headOk
      ? `entry ${last?.seq} is the head the daily root of ${chain.root.date} committed`
      : 'the chain path does not end at the committed head',
  );
  const included = verifyInclusion(
    leafData(chain.leaf),
    chain.leafIndex,
    chain.treeSize,
    chain.proof,
    chain.root.root,
  );
  add(
    included,
    `Merkle inclusion of the head in root ${chain.root.root} (${chain.root.date}, leaf ${chain.leafIndex} of ${chain.treeSize}) ${included ? 'holds' : 'does NOT hold'}`,
  );
  checkTimes(chain, entries, add);
  const ts = chain.root.timestamp;
  if (!ts) {
    add(false, `the daily root of ${chain.root.date} is not timestamped`, 'warn');
    return;
  }
  const token = Buffer.from(ts.token, 'base64');
  const data = Buffer.from(chain.root.root, 'hex');
  if (certs.length > 0) {
    const check = await verifyTokenTrusted(token, data, certs);
    for (const l of check.lines) add(check.ok, `timestamp: ${l}`);
    return;
  }
  const inside = tokenCertificates(token)[0];
  if (!inside) return add(false, 'the timestamp token carries no certificate and no trusted one was given');
  const check = await verifyToken(token, data, inside);
  if (!check.ok) for (const l of check.lines) add(false, `timestamp: ${l}`);
  else
    add(
      false,
      'timestamp NOT verified: the token verifies only against the certificate INSIDE the package, which anyone can replace (no trusted TSA certificate given: --tsa-cert or NIANBAO_TSA_CERT)',
      'warn',
    );
}

/**
 * The times agree (docs/evidence.md, "Times"): the root's date, its time and its token's genTime (read
 * from the token), and no entry on the path dated after the root that committed it.
 */
function checkTimes(chain: ChainPath, entries: StoredEntry[], add: Add): void {
  const root = chain.root;
  if (!root) return;
  let genTime: string | null = null;
  if (root.timestamp)
    try {
      genTime = readToken(Buffer.from(root.timestamp.token, 'base64')).genTime;
    } catch {
      genTime = root.timestamp.genTime;
    }
  const problems = rootTimeProblems(root, genTime);
  const late = entries.filter((e) => typeof e.at === 'string' && Date.parse(e.at) > Date.parse(root.at));
  for (const e of late)
    problems.push(
      `entry ${(e.chain as { seq?: number })?.seq} is dated ${e.at}, after the root (${root.at}) that committed it`,
    );
  add(
    problems.length === 0,
    problems.length === 0
      ? `times agree: root of ${root.date} computed ${root.at}${genTime ? `, timestamped ${genTime}` : ''}, entries before it`
      : `times: daily root of ${root.date}: ${problems.join('; ')}`,
  );
}

/** The verification as lines: ✓ what holds, ✗ what does not, ! what holds only as far as the package says. */
export function formatPackageVerification(v: PackageVerification): string[] {
  return [
    ...v.checks.map((c) => `${c.ok ? '✓' : c.level === 'warn' ? '!' : '✗'} ${c.text}`),
    `note: ${OWN_CLAIMS}`,
    !v.ok
      ? 'NOT verified: see the lines marked ✗'
      : v.trusted === false
        ? 'NOT verified: nothing found broken, but the timestamp was not checked against a trusted TSA certificate (--tsa-cert or NIANBAO_TSA_CERT): the package holds only on its own word'
        : !v.verified
          ? "NOT verified: nothing found broken, but the lines marked ! hold only on the package's own word"
          : 'verified: every check holds',
  ];
}
