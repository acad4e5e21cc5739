import { withoutKeys } from '../store/dynamo.ts';
import { queryAll } from '../store/query-all.ts';
import type { Repository } from '../store/repository.ts';
import { type ChainReport, type StoredEntry, verifyChain } from './check-chain.ts';
import { type DailyRoot, leafData, listDailyRoots, rootLeaves } from './daily-root.ts';
import { merkleRoot } from './merkle.ts';
import { rootTimeProblems } from './root-times.ts';
import { readToken, verifyTokenTrusted } from './tsa.ts';

/** A daily root as checked: its leaves give its root, and its token (when a certificate is given). */
export interface RootCheck {
  date: string;
  root: string;
  leavesMatch: boolean;
  /** Why the root's date, its time and its token's time disagree (docs/evidence.md, "Times"); empty when they agree. */
  timeProblems: string[];
  timestamp: 'verified' | 'failed' | 'not-checked' | 'none';
  lines: string[];
}

export interface StoreVerification {
  bodies: ChainReport[];
  /**
   * Per body, the entries recorded after the last daily root that commits its chain (all of them when no
   * root does): their time rests on this system alone until a root covers them.
   */
  unrooted: Array<{ bodyId: string; entries: number; after: string | null }>;
  roots: RootCheck[];
  /** True when no chain breaks, every body with entries is covered by a chain, and every root holds. */
  ok: boolean;
  /**
   * `ok`, and there is a daily root and every root's timestamp verified against a trusted TSA certificate:
   * without that, an intact chain proves only that the log agrees with itself.
   */
  verified: boolean;
}

/** A body's check-log entries as stored (keys stripped), every page of the query. */
export async function storedEntries(repo: Repository, bodyId: string): Promise<StoredEntry[]> {
  return (await queryAll(repo, `BODY#${bodyId}`, 'CHECK#')).map((i) => withoutKeys(i) as StoredEntry);
}

/**
 * Verifies the check log in the store: each body's chain (every entry's hash, link and sequence), each
 * daily root against its leaves, each body's committed heads against its log, and, given trusted TSA
 * certificates (DER), each root's timestamp token (it holds when one of them verifies it).
 */
export async function verifyStore(
  repo: Repository,
  bodyIds: readonly string[],
  tsaCertificates?: Uint8Array | readonly Uint8Array[],
): Promise<StoreVerification> {
  const certs: readonly Uint8Array[] =
    tsaCertificates === undefined
      ? []
      : tsaCertificates instanceof Uint8Array
        ? [tsaCertificates]
        : tsaCertificates;
  const roots: RootCheck[] = [];
  const committed = new Map<string, Array<{ date: string; seq: number; hash: string; rootAt: string }>>();
  for (const root of await listDailyRoots(repo)) {
    const leaves = await rootLeaves(repo, root);
    for (const l of leaves) {
      const list = committed.get(l.bodyId) ?? [];
      list.push({ date: root.date, seq: l.seq, hash: l.hash, rootAt: root.at });
      committed.set(l.bodyId, list);
    }
    roots.push(await checkRoot(root, merkleRoot(leaves.map(leafData)), certs));
  }
  const bodies: ChainReport[] = [];
  const unrooted: StoreVerification['unrooted'] = [];
  for (const bodyId of bodyIds) {
    const report = verifyChain(bodyId, await storedEntries(repo, bodyId), committed.get(bodyId) ?? []);
    bodies.push(report);
    // A deleted latest root leaves the entries after the one before uncovered: they are reported, and the
    // store is not "verified" while any are (adversarial review of issue 16).
    const last = (committed.get(bodyId) ?? []).reduce<{ seq: number; date: string } | null>(
      (m, c) => (!m || c.seq > m.seq ? { seq: c.seq, date: c.date } : m),
      null,
    );
    const after = report.head ? report.head.seq - (last?.seq ?? 0) : 0;
    if (report.head && after > 0) unrooted.push({ bodyId, entries: after, after: last?.date ?? null });
  }
  const ok =
    bodies.every((b) => b.breaks.length === 0 && b.covered) &&
    roots.every((r) => r.leavesMatch && r.timeProblems.length === 0 && r.timestamp !== 'failed');
  const verified =
    ok && roots.length > 0 && roots.every((r) => r.timestamp === 'verified') && unrooted.length === 0;
  return { bodies, unrooted, roots, ok, verified };
}

async function checkRoot(
  root: DailyRoot,
  recomputed: string,
  certs: readonly Uint8Array[],
): Promise<RootCheck> {
  const leavesMatch = recomputed === root.root;
  const lines = [
    leavesMatch
      ? `root ${root.date}: ${root.size} leaves give ${root.root}`
      : `root ${root.date}: leaves give ${recomputed}, the root item says ${root.root}`,
  ];
  let timestamp: RootCheck['timestamp'] = 'none';
  if (root.timestamp && certs.length > 0) {
    const check = await verifyTokenTrusted(
      Buffer.from(root.timestamp.token, 'base64'),
      Buffer.from(root.root, 'hex'),
      certs,
    );
    timestamp = check.ok ? 'verified' : 'failed';
    lines.push(...check.lines.map((l) => `root ${root.date}: ${l}`));
  } else if (root.timestamp) {
    timestamp = 'not-checked';
    lines.push(
      `root ${root.date}: timestamp by ${root.timestamp.tsaUrl} at ${root.timestamp.genTime} (NOT verified: no trusted TSA certificate given, --tsa-cert or NIANBAO_TSA_CERT)`,
    );
  } else {
    lines.push(`root ${root.date}: not timestamped${root.timestampError ? ` (${root.timestampError})` : ''}`);
  }
  const timeProblems = rootTimeProblems(root, tokenTime(root));
  for (const p of timeProblems) lines.push(`root ${root.date}: TIME ✗ ${p}`);
  return { date: root.date, root: root.root, leavesMatch, timeProblems, timestamp, lines };
}

/** The genTime inside a root's token (not the copy stored beside it), or the copy when the token is unreadable. */
function tokenTime(root: DailyRoot): string | null {
  if (!root.timestamp) return null;
  try {
    return readToken(Buffer.from(root.timestamp.token, 'base64')).genTime;
  } catch {
    return root.timestamp.genTime;
  }
}

/** The verification as lines a person reads: what holds, then every break. */
export function formatStoreVerification(v: StoreVerification): string[] {
  const lines: string[] = [];
  for (const r of v.roots) lines.push(...r.lines);
  for (const b of v.bodies) {
    const legacy = b.legacy
      ? ` (${b.legacy} older entr${b.legacy === 1 ? 'y' : 'ies'} before the chain, not covered)`
      : '';
    if (!b.covered) {
      lines.push(
        `${b.bodyId}: ${b.legacy} entr${b.legacy === 1 ? 'y' : 'ies'}, none carries a chain link: not covered (nothing about this log is verified)`,
      );
      continue;
    }
    lines.push(
      b.breaks.length === 0
        ? `${b.bodyId}: ${b.entries} entr${b.entries === 1 ? 'y' : 'ies'} chained, intact${legacy}`
        : `${b.bodyId}: ${b.entries} entr${b.entries === 1 ? 'y' : 'ies'} chained, ${b.breaks.length} BREAK(S)${legacy}`,
    );
    for (const br of b.breaks)
      lines.push(
        `  BREAK ${br.kind}${br.seq !== null ? ` at entry ${br.seq}` : ''}${br.at ? ` (CHECK#${br.at})` : ''}: ${br.detail}`,
      );
  }
  for (const u of v.unrooted)
    lines.push(
      `${u.bodyId}: ${u.entries} entr${u.entries === 1 ? 'y' : 'ies'} after ${u.after ? `the daily root of ${u.after}` : 'the chain began'} not yet under a daily root (! their time rests on this system alone; record one with --record-root)`,
    );
  const uncovered = v.bodies.some((b) => !b.covered);
  const broken =
    v.bodies.some((b) => b.breaks.length > 0) ||
    v.roots.some((r) => !r.leavesMatch || r.timeProblems.length > 0 || r.timestamp === 'failed');
  lines.push(
    v.verified
      ? 'verified: the check log is intact and every daily root is timestamped by a trusted TSA'
      : v.ok
        ? `NOT verified: the check log agrees with itself, but ${v.roots.length === 0 ? 'no daily root has been recorded' : v.unrooted.length > 0 ? 'entries recorded after the last daily root are not under one yet' : 'not every daily root carries a timestamp verified against a trusted TSA certificate'}`
        : uncovered && !broken
          ? 'NOT verified: not covered (a log without chain links proves nothing)'
          : 'NOT verified: see the breaks above',
  );
  return lines;
}
