import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeadLetterAccess, DeadLetterView, RegistryWriter } from '../api/options.ts';
import type { Body } from '../domain/body.ts';
import type { LocalQueue } from '../queue/local-queue.ts';

/**
 * The stores of an instance already running on this data folder (`nianbao start`, or another command),
 * found through `<dataDir>/stores.json` (written by store-process.ts) whose owner's pid is alive. Null when
 * there is none (no file, or a stale file left by a killed process); an error when the owner lives but
 * its DynamoDB endpoint does not answer after a few tries, or when it is still getting its table ready
 * after `o.readyWaitMs` (default 15 minutes).
 *
 * While the file says `ready: false` (its owner is creating the table, or rebuilding one made by an older
 * version: table-upgrade.ts), this waits, saying so once through `o.log`: a write made meanwhile could land
 * in the old table after the rebuild copied it, and be lost. A file without `ready` (an older owner) counts
 * as ready; an owner that dies before it is ready leaves a stale file (null: the caller starts the stores
 * and finishes the upgrade itself).
 *
 * Why: dynalite keeps its LevelDB folder locked; a second store process on the same folder fails to open
 * it and answers every request with `Database is closed`. Commands therefore use the running stores over
 * loopback, as any DynamoDB and S3 client would.
 */
export async function runningStores(
  dataDir: string,
  o: { log?: (line: string) => void; pollMs?: number; readyWaitMs?: number; probeEveryMs?: number } = {},
): Promise<{ dynamodb: string; s3: string } | null> {
  const pollMs = o.pollMs ?? 250;
  const readyWaitMs = o.readyWaitMs ?? 15 * 60_000;
  const probeEveryMs = o.probeEveryMs ?? PROBE_EVERY_MS;
  let lock: StoresLock | null;
  let unanswered = 0;
  for (let waited = 0; ; waited += pollMs) {
    lock = await readLock(dataDir);
    if (!lock) return null;
    if (lock.ready) break;
    if (waited === 0)
      o.log?.(
        `waiting for the nianbao process ${lock.pid} to get its table ready on ${dataDir} (an older table is rebuilt once)`,
      );
    if (waited >= readyWaitMs)
      throw new Error(
        `the nianbao process ${lock.pid} using ${dataDir} has not got its table ready after ${Math.round(waited / 1000)} s; try again later, or stop that process`,
      );
    // An owner getting its table ready serves its stores meanwhile: a lock whose endpoint never answers
    // names a process that is not ours (its pid reused after a crash), not one to wait for.
    if (waited > 0 && waited % probeEveryMs < pollMs && !(await answers(lock.dynamodb))) {
      unanswered += 1;
      if (unanswered >= STORE_PROBES) throw staleLock(lock, dataDir, 'do not answer');
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  // Its owner lives, so dynalite's folder is locked: a second store process could not open it. The
  // endpoint is given time to answer (a loaded machine, a store process restarting) before giving up.
  for (let attempt = 1; ; attempt += 1) {
    if (await answers(lock.dynamodb)) return { dynamodb: lock.dynamodb, s3: lock.s3 };
    if (attempt === STORE_PROBES) throw staleLock(lock, dataDir, 'do not answer');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Whether a DynamoDB endpoint answers at all (any HTTP answer), within 5 s. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

/** The error for a lock whose stores do not answer: its process may be another one that got the pid. */
function staleLock(lock: StoresLock, dataDir: string, what: string): Error {
  return new Error(
    `the stores named in ${join(dataDir, 'stores.json')} (process ${lock.pid}, ${lock.dynamodb}) ${what}; if no nianbao process is using ${dataDir}, delete that file and try again, else stop that process`,
  );
}

/** How often, ms, the wait for a not-yet-ready owner checks that its stores answer. */
const PROBE_EVERY_MS = 5000;

interface StoresLock {
  pid: number;
  dynamodb: string;
  s3: string;
  ready: boolean;
}

/** `stores.json` when it names a live owner, else null (absent, unreadable, or its owner is gone). */
async function readLock(dataDir: string): Promise<StoresLock | null> {
  let lock: { pid?: unknown; dynamodb?: unknown; s3?: unknown; ready?: unknown };
  try {
    lock = JSON.parse(await readFile(join(dataDir, 'stores.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof lock.pid !== 'number' || typeof lock.dynamodb !== 'string' || typeof lock.s3 !== 'string')
    return null;
  try {
    process.kill(lock.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null; // no such process: a stale file
  }
  return { pid: lock.pid, dynamodb: lock.dynamodb, s3: lock.s3, ready: lock.ready !== false };
}

/** Attempts to reach a live instance's DynamoDB endpoint before a command gives up. */
const STORE_PROBES = 5;

const letterId = (queue: string, body: unknown, error: string): string =>
  `${queue}:${createHash('sha1').update(JSON.stringify(body)).update(error).digest('hex').slice(0, 16)}`;

/** The dead letters of this process's queues, listed and sent back (admin API). */
export function localDeadLetters(queues: ReadonlyArray<LocalQueue<never>>): DeadLetterAccess {
  const views = (): Array<DeadLetterView & { queueRef: LocalQueue<never>; index: number }> =>
    queues.flatMap((q) =>
      q.deadLetters.map((l, index) => ({
        id: letterId(q.name, l.body, l.error),
        queue: q.name,
        body: l.body,
        error: l.error,
        receiveCount: l.receiveCount,
        queueRef: q,
        index,
      })),
    );
  return {
    async list() {
      return views().map(({ queueRef: _q, index: _i, ...v }) => v);
    },
    async requeue(ids) {
      const chosen = views().filter((v) => !ids || ids.includes(v.id));
      // Highest index first, so removing one does not shift the next.
      for (const v of [...chosen].sort((a, b) => b.index - a.index))
        v.queueRef.deadLetters.splice(v.index, 1);
      for (const v of chosen) await v.queueRef.send(v.body as never);
      return chosen.map((v) => v.id);
    },
  };
}

/**
 * Registry entries written to the registry file (a temporary file renamed over it, so a crash leaves the
 * old file or the new one) and into the running registry map, so the next cycle crawls the entry.
 */
export function fileRegistryWriter(path: string, registry: Map<string, Body>): RegistryWriter {
  return {
    async upsert(body) {
      const doc = JSON.parse(await readFile(path, 'utf8')) as { bodies?: Array<{ id?: unknown }> };
      const list = Array.isArray(doc.bodies) ? doc.bodies : [];
      const at = list.findIndex((b) => b?.id === body.id);
      const { parents: _parents, ...entry } = body;
      if (at >= 0) list[at] = entry;
      else list.push(entry);
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ ...doc, bodies: list }, null, 2)}\n`);
      await rename(tmp, path);
      registry.set(body.id, body);
      return { created: at < 0 };
    },
  };
}
