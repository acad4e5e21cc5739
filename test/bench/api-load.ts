/**
 * The API benchmark's load generator, run in a process of its own (as real clients are): the server's
 * event loop then serves requests only, and the client's own HTTP work is not counted against it.
 *
 * Reads one JSON line on stdin ({@link LoadPlan}), runs the open loop then the closed loop against
 * `plan.url`, and writes one JSON line ({@link LoadResult}) on stdout. Paths are taken in turn from
 * `plan.paths` (the bench builds them: every route kind over the seeded bodies).
 */
import { Agent, fetch } from 'undici';

export interface LoadPlan {
  url: string;
  paths: string[];
  /** Open loop: requests per second, sent on schedule whether or not earlier ones finished. */
  rate: number;
  openSeconds: number;
  /** Closed loop: this many clients back to back. */
  clients: number;
  closedSeconds: number;
  /** Untimed requests first (connections, JIT). */
  warmup: number;
  /**
   * The path the warm-up asks for; without it, the first `warmup` of `paths`. A path that reads no store
   * warms the generator (its JIT, its first connections) without filling the server's caches for the
   * measured paths.
   */
  warmupPath?: string;
  /** Connections the warm-up runs on at once (each sends its share of `warmup` back to back); 1 if absent. */
  warmupConnections?: number;
}

export interface LoadResult {
  /** Latency of each open-loop request that succeeded, ms, in order of completion. */
  latencies: number[];
  /** When each of those requests was due, ms after the open loop began (same order as `latencies`). */
  sentAt: number[];
  openSeconds: number;
  failures: Record<string, number>;
  closedDone: number;
  closedSeconds: number;
  /** The generator's own CPU time (user + system), ms, over the open and closed loops. */
  clientCpuMs: number;
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  // Keep-alive connections, enough for the open loop's backlog (as a browser or a proxy would hold them).
  const dispatcher = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  let n = 0;
  const nextPath = () => plan.paths[n++ % plan.paths.length] as string;
  const once = async (): Promise<number> => {
    const path = nextPath();
    const t = performance.now();
    const res = await fetch(`${plan.url}${path}`, { dispatcher });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} on ${path.replace(/\/\d{2,}[^/?]*/g, '/…')}`);
    return performance.now() - t;
  };
  const lanes = Math.max(1, plan.warmupConnections ?? 1);
  let warmed = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (warmed < plan.warmup) {
        warmed += 1;
        if (plan.warmupPath === undefined) await once();
        else await (await fetch(`${plan.url}${plan.warmupPath}`, { dispatcher })).arrayBuffer();
      }
    }),
  );

  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  const sentAt: number[] = [];
  const failures: Record<string, number> = {};
  const inFlight: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; i < plan.rate * plan.openSeconds; i += 1) {
    const wait = t0 + (i * 1000) / plan.rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const due = (i * 1000) / plan.rate;
    inFlight.push(
      once().then(
        (ms) => {
          latencies.push(ms);
          sentAt.push(due);
        },
        (error: unknown) => {
          const why = error instanceof Error ? error.message : String(error);
          failures[why] = (failures[why] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const openSeconds = (performance.now() - t0) / 1000;

  let closedDone = 0;
  const t1 = performance.now();
  const end = t1 + plan.closedSeconds * 1000;
  await Promise.all(
    Array.from({ length: plan.clients }, async () => {
      while (performance.now() < end) {
        await once();
        closedDone += 1;
      }
    }),
  );
  const closedSeconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    latencies,
    sentAt,
    openSeconds,
    failures,
    closedDone,
    closedSeconds,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const result = await run(JSON.parse(input) as LoadPlan);
process.stdout.write(`${JSON.stringify(result)}\n`);
