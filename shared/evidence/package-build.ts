import type { Body } from '../domain/body.ts';
import type { Finding } from '../domain/finding.ts';
import type { StageContext } from '../stages/context.ts';
import { listLinks } from '../store/link-batch.ts';
import type { ReportItem, RevisionItem } from '../store/records.ts';
import { sha256Of } from './canonical-json.ts';
import { linkOf } from './check-chain.ts';
import { listDailyRoots, rootLeaves } from './daily-root.ts';
import { type ChainPath, chainPath, type ProvingEntry, provingEntries } from './proof-select.ts';
import { evidenceStatement } from './statement.ts';
import { storedEntries } from './verify-store.ts';
import { zipWacz } from './wacz.ts';
import { buildWarc, type CapturedObject } from './warc.ts';

/** What a package is about: one finding (its alert id `rule/bodyId/year`) or one body's report year. */
export type PackageTarget = { findingId: string } | { bodyId: string; year: number };

export class PackageError extends Error {
  override name = 'PackageError';
}

/** Paths inside the WACZ besides the WACZ standard files (docs/evidence.md lists them). */
export const PACKAGE_PATHS = {
  warc: 'archive/data.warc.gz',
  cdxj: 'indexes/index.cdx',
  pages: 'pages/pages.jsonl',
  finding: 'evidence/finding.json',
  proof: 'evidence/proof.json',
  objects: 'evidence/objects.json',
  statement: 'evidence/statement.md',
} as const;

/**
 * Reads `bodyId/year` or `rule/bodyId/year` (a finding's id, as alerts name it).
 *
 * @throws PackageError for anything else.
 */
export function parseTarget(id: string): PackageTarget {
  const parts = id.split('/');
  const year = Number(parts.at(-1));
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw new PackageError(`"${id}": expected bodyId/year or rule/bodyId/year`);
  if (parts.length === 2) return { bodyId: parts[0] as string, year };
  if (parts.length === 3 && /^[a-z]+\.[a-z-]+$/.test(parts[0] as string)) return { findingId: id };
  throw new PackageError(`"${id}": expected bodyId/year or rule/bodyId/year`);
}

export interface BuiltPackage {
  bytes: Uint8Array;
  /** A file name for it (`<rule>_<bodyId>_<year>.wacz`). */
  filename: string;
  /** `sha256:<hex>` of datapackage.json, the hash a letter quotes. */
  datapackageHash: string;
  /** sha256 (hex) of the whole file. */
  sha256: string;
  resources: Array<{ path: string; hash: string; bytes: number }>;
  chain: ChainPath;
}

/** What the package says about how the copies were taken (the statement's inputs). */
export interface PackageSoftware {
  name: string;
  version: string;
  /** The configured NIANBAO_USER_AGENT, when the process making the package knows it. */
  userAgent?: string;
}

/**
 * Builds the evidence package (WACZ) of a finding or a report year from the store and the archive: the
 * WARC of the report page's versions, their attachments and the listing snapshots of the proving checks;
 * the check-log entries with their chain path to a daily root and its timestamp token; the finding(s);
 * the statement (取证说明). See docs/evidence.md.
 *
 * @throws PackageError when the finding, the body or the report year is unknown (nothing found to package).
 */
export async function buildEvidencePackage(
  ctx: Pick<StageContext, 'repo' | 'archive' | 'registry' | 'now'>,
  target: PackageTarget,
  software: PackageSoftware,
): Promise<BuiltPackage> {
  const alert = 'findingId' in target ? await ctx.repo.getAlert(target.findingId) : undefined;
  if ('findingId' in target && !alert) throw new PackageError(`no finding ${target.findingId}`);
  const bodyId = alert?.bodyId ?? (target as { bodyId: string }).bodyId;
  const year = alert?.year ?? (target as { year: number }).year;
  const body = ctx.registry.get(bodyId);
  if (!body) throw new PackageError(`body ${bodyId} is not in the registry`);
  const report = await ctx.repo.getReport(bodyId, year);
  const findings: Finding[] = alert ? [alert.finding] : (report?.findings ?? []);
  const entries = await storedEntries(ctx.repo, bodyId);
  if (!alert && !report && entries.length === 0)
    throw new PackageError(`nothing known of ${bodyId} for ${year}: no report, no finding, no check`);
  const created = ctx.now().toISOString();
  const backdated =
    findings.some((f) => f.rule === 'date.backdated') && report?.publishedAt ? report.publishedAt : undefined;
  const proving = provingEntries(entries, year, alert?.createdAt ?? created, report?.url, backdated);
  const roots = [];
  for (const root of await listDailyRoots(ctx.repo))
    roots.push({ root, leaves: await rootLeaves(ctx.repo, root) });
  const chain = chainPath(bodyId, entries, proving, roots);
  const revisions = report ? await ctx.repo.listRevisions(bodyId, year) : [];
  const objects = await captured(ctx, body, year, revisions, chain, proving);
  const id = alert?.alertId ?? `${bodyId}/${year}`;
  const { warc, cdxj } = await buildWarc(
    objects,
    {
      software: `${software.name} ${software.version}`,
      format: 'WARC File Format 1.1',
      description: `evidence package ${id}`,
      ...(software.userAgent ? { 'http-header-user-agent': software.userAgent } : {}),
    },
    'data.warc.gz',
  );
  const main = objects.find((o) => o.meta.kind === 'detail');
  const enc = (v: unknown) =>
    new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  const pages = [
    JSON.stringify({ format: 'json-pages-1.0', id: 'pages', title: 'All Pages' }),
    ...objects
      .filter((o) => o.meta.kind !== 'attachment')
      .map((o) =>
        JSON.stringify({
          url: o.meta.finalUrl || o.meta.url,
          ts: o.meta.fetchedAt,
          title: o.meta.linkTitle ?? o.meta.kind,
        }),
      ),
  ].join('\n');
  const objectList = objects.map((o) => ({
    key: o.key,
    kind: o.meta.kind,
    url: o.meta.url,
    finalUrl: o.meta.finalUrl,
    fetchedAt: o.meta.fetchedAt,
    status: o.meta.status,
    sha256: o.meta.sha256,
    size: o.meta.size,
    peer: o.meta.peer ?? null,
  }));
  const files = {
    [PACKAGE_PATHS.warc]: warc,
    [PACKAGE_PATHS.cdxj]: enc(cdxj),
    [PACKAGE_PATHS.pages]: enc(`${pages}\n`),
    [PACKAGE_PATHS.finding]: enc({
      id,
      body: bodySummary(body),
      year,
      findings,
      alert,
      report: reportSummary(report),
      revisions,
    }),
    [PACKAGE_PATHS.proof]: enc({ bodyId, year, proving, chain }),
    [PACKAGE_PATHS.objects]: enc(objectList),
    [PACKAGE_PATHS.statement]: enc(
      evidenceStatement({ id, body, year, created, software, objects: objectList, proving, chain, findings }),
    ),
  };
  const zipped = zipWacz(files, {
    title: `nianbao-watch evidence ${id}`,
    created,
    software: `${software.name} ${software.version}`,
    ...(main ? { mainPageUrl: main.meta.finalUrl || main.meta.url, mainPageDate: main.meta.fetchedAt } : {}),
  });
  return {
    bytes: zipped.bytes,
    filename: `${id.replaceAll('/', '_')}.wacz`,
    datapackageHash: zipped.datapackageHash,
    sha256: sha256Of(zipped.bytes),
    resources: zipped.resources,
    chain,
  };
}

const bodySummary = (b: Body) => ({
  id: b.id,
  name: b.name,
  level: b.level,
  divisionCode: b.divisionCode,
  parents: b.parents,
  listingUrl: b.listingUrl,
});

const reportSummary = (r: ReportItem | undefined) =>
  r
    ? {
        url: r.url,
        title: r.title,
        sha256: r.sha256,
        rawKey: r.rawKey,
        publishedAt: r.publishedAt,
        publishedAtSource: r.publishedAtSource,
        firstSeen: r.firstSeen,
        deadline: r.deadline,
        timeliness: r.timeliness,
        revisions: r.revisions,
      }
    : null;

/**
 * The archived objects a package carries: every version of the report page, the attachments its link
 * names, and the listing snapshots read by the checks on the chain path that rely on them.
 */
async function captured(
  ctx: Pick<StageContext, 'repo' | 'archive'>,
  body: Body,
  year: number,
  revisions: readonly RevisionItem[],
  chain: ChainPath,
  proving: readonly ProvingEntry[],
): Promise<CapturedObject[]> {
  const keys = new Set<string>(revisions.map((r) => r.rawKey));
  for (const link of (await listLinks(ctx.repo, body.id)).values())
    if (link.year === year) for (const k of [link.rawKey, ...(link.attachmentKeys ?? [])]) if (k) keys.add(k);
  const provingSeqs = new Set(proving.map((p) => p.seq));
  for (const e of chain.entries) {
    if (!provingSeqs.has(linkOf(e)?.seq ?? -1)) continue;
    for (const page of Array.isArray(e.pages) ? (e.pages as Array<{ snapshotKey?: string }>) : [])
      if (page.snapshotKey) keys.add(page.snapshotKey);
  }
  const out: CapturedObject[] = [];
  for (const key of keys) {
    const { bytes, meta } = await ctx.archive.get(key);
    out.push({ key, meta, bytes });
  }
  return out.sort((a, b) =>
    a.meta.fetchedAt < b.meta.fetchedAt ? -1 : a.meta.fetchedAt > b.meta.fetchedAt ? 1 : 0,
  );
}
