/**
 * API benchmark: the read routes of the Hono app served on loopback by the embedded runtime (dynalite and
 * s3rver in their own process), over a store of 1,000 bodies × 3 report years seeded in bulk
 * (test/support/read-scale.ts). Two measurements: an open loop at a fixed 200 requests/s (latency p50/p99
 * under the target load: requests are sent on schedule whether or not earlier ones finished), and a closed
 * loop of 16 clients back to back (the throughput the machine reaches).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveApi } from '#shared/api/serve.ts';
import { loadConfig } from '#shared/config.ts';
import { startRuntime } from '#shared/local/runtime.ts';
import type { LoadPlan, LoadResult } from '#test/bench/api-load.ts';
import { countStoreCalls, startStores } from '#test/bench/bench-stores.ts';
import { onCpu, PIN, placeSelf } from '#test/bench/placement.ts';
import { scaleRegistry, seedReadScale } from '#test/support/read-scale.ts';

const BODIES = 1000;
const YEARS = [2023, 2024, 2025];
const RATE = 200;
const OPEN_SECONDS = 15;
const CLOSED_SECONDS = 10;
const CLIENTS = 16;
/** Pause after the bulk seeding, ms (see where it is used). */
const SETTLE_MS = 20_000;
/** Keep-alive connections the generator opens before the open loop (a proxy's pool). */
const POOL = 32;

/** The routes in the bench's turn, by kind (`nextPath`'s order). */
const ROUTES = [
  'GET /api/bodies?q=',
  'GET /api/bodies/:id',
  'GET /api/bodies/:id/years',
  'GET /api/bodies/:id/reports/:year',
  'GET /status/:id',
  'GET /api/bodies?parent=',
];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** The open loop's requests grouped by the second they were due in: count and p99 latency, ms. */
function secondsOf(load: LoadResult): Array<{ n: number; p99: number }> {
  const groups: number[][] = [];
  load.latencies.forEach((ms, i) => {
    const s = Math.floor((load.sentAt[i] ?? 0) / 1000);
    const group = groups[s] ?? [];
    group.push(ms);
    groups[s] = group;
  });
  return Array.from(groups, (g = []) => ({
    n: g.length,
    p99: pct(
      [...g].sort((a, b) => a - b),
      99,
    ),
  }));
}

/** Runs the load generator (api-load.ts) in a child process and returns what it measured. */
function runLoad(plan: LoadPlan): Promise<LoadResult> {
  // The clients are not on the server's CPU in production either (placement.ts).
  const [command, args] = onCpu(1, [
    process.execPath,
    '--import',
    'tsx',
    fileURLToPath(new URL('./api-load.ts', import.meta.url)),
  ]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stdin.end(JSON.stringify(plan));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`load generator exited ${code}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}

export async function runApiBench(): Promise<string> {
  // Placement (placement.ts): the server (this process) alone on CPU 0; the stores' process and the load
  // generator on CPU 1, as DynamoDB, S3 and the clients are remote in production. Conservative for the
  // server: its stores share CPU 1 with the generator.
  const giveBack = placeSelf(0);
  const stores = await startStores((args) => onCpu(1, args));
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-api-bench-'));
  const registry = scaleRegistry(BODIES);
  const rt = await startRuntime({
    config: loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_DYNAMODB_ENDPOINT: stores.env.BENCH_DYNAMODB,
      NIANBAO_S3_ENDPOINT: stores.env.BENCH_S3,
    }),
    registry,
  });
  const server = await serveApi(rt.ctx, { rateLimits: { publicPerMinute: 1e9 } });
  try {
    await seedReadScale(rt.ctx, registry, YEARS, { rawPages: true });
    // A bulk load of 3,000 reports and their raw pages leaves the stores busy for a while (dynalite's LevelDB
    // compacts what was just written, both processes collect garbage): measured with no pause, the open
    // loop's first seconds stalled at 0.8–2.5 s p99 while the rest stayed under 100 ms. A service at its
    // steady state is what the target is about, so the stores settle first.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    let n = 0;
    const ids = registry.map((b) => b.id);
    const nextPath = () => pathOf(n++);
    const pathOf = (i: number, kind = i % 6) => {
      const id = ids[(i * 7919) % ids.length] as string;
      switch (kind) {
        case 0:
          return `/api/bodies?q=${encodeURIComponent(id.slice(0, 4))}&limit=20`;
        case 1:
          return `/api/bodies/${id}`;
        case 2:
          return `/api/bodies/${id}/years`;
        case 3:
          return `/api/bodies/${id}/reports/${YEARS[i % 3]}`;
        case 4:
          return `/status/${id}`;
        default:
          return `/api/bodies?parent=${id.slice(0, 2)}&offset=20&limit=20`;
      }
    };
    const once = async (): Promise<number> => {
      const t = performance.now();
      const path = nextPath();
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      if (res.status !== 200)
        throw new Error(`HTTP ${res.status} on ${path.replace(/\/\d{2,}[^/?]*/g, '/…')}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 60; i += 1) await once(); // warm-up: JIT, connections, caches

    // Store calls per route, one request at a time (the rate counter's table writes counted apart).
    const counter = countStoreCalls(rt.ctx);
    const perRoute = ROUTES.map(() => ({ reads: 0, limiterWrites: 0, requests: 0 }));
    for (let i = 0; i < ROUTES.length * 20; i += 1) {
      const kind = n % 6;
      const before = counter.byCommand();
      await once();
      const after = counter.byCommand();
      const row = perRoute[kind] as { reads: number; limiterWrites: number; requests: number };
      for (const [cmd, v] of Object.entries(after)) {
        const d = v - (before[cmd] ?? 0);
        if (cmd === 'UpdateItemCommand') row.limiterWrites += d;
        else row.reads += d;
      }
      row.requests += 1;
    }
    // Whole-registry reads, once each: store calls and time of one request.
    const wide = [];
    for (const path of [
      `/api/scoreboard?year=${YEARS.at(-1)}`,
      `/api/reports?q=${encodeURIComponent('年度报告')}&year=${YEARS[1]}`,
    ]) {
      const before = counter.calls();
      const t = performance.now();
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`HTTP ${res.status} on ${path}`);
      wide.push({ path, ms: performance.now() - t, calls: counter.calls() - before });
    }

    // The load: open loop at RATE requests/s, then the closed loop, from a process of its own.
    const paths = Array.from({ length: 20_000 }, nextPath); // the open loop, then the closed loop goes on
    const serverCpu0 = process.cpuUsage();
    const load = await runLoad({
      url: server.url,
      paths,
      rate: RATE,
      openSeconds: OPEN_SECONDS,
      clients: CLIENTS,
      closedSeconds: CLOSED_SECONDS,
      // The generator is a fresh process: its own cold start (JIT, opening connections under load) stalled
      // the first seconds at up to 2.3 s p99 on a quiet machine, the server's latency being well under
      // 100 ms once the generator was warm. Warm it, over a pool of keep-alive connections as a proxy
      // holds them, on body search, which reads no store, so the server's caches for the measured paths
      // stay as cold as they were.
      warmup: 300,
      warmupConnections: POOL,
      warmupPath: `/api/bodies?q=${encodeURIComponent('县')}&limit=20`,
    });
    const serverCpu = process.cpuUsage(serverCpu0);
    // The same open loop again over the same paths, after the closed loop: the server has served each path
    // before (its caches — an archived copy's provenance, the stores' own — hold what a server that has run
    // a while holds). The first pass's first seconds stall (0.6–13 s p99 on this machine, quiet or not,
    // whatever the generator's warm-up or rest), the rest of it stays under 200 ms: both are printed.
    const again = await runLoad({
      url: server.url,
      paths,
      rate: RATE,
      openSeconds: OPEN_SECONDS,
      clients: 0,
      closedSeconds: 0,
      warmup: 300,
      warmupConnections: POOL,
      warmupPath: `/api/bodies?q=${encodeURIComponent('县')}&limit=20`,
    });

    // Each route alone: 8 clients back to back for 4 s; the server's CPU time per request is its cost
    // (less sensitive to the machine's load than latency: 1000 / that = requests a second one core serves).
    const capacity = [];
    for (const [kind, route] of ROUTES.entries()) {
      const cpu0 = process.cpuUsage();
      const alone = await runLoad({
        url: server.url,
        paths: Array.from({ length: 5000 }, (_, i) => pathOf(i * 6 + kind, kind)),
        rate: 0,
        openSeconds: 0,
        clients: 8,
        closedSeconds: 4,
        warmup: 50,
      });
      const cpu = process.cpuUsage(cpu0);
      capacity.push({
        route,
        perSecond: alone.closedDone / alone.closedSeconds,
        cpuMs: (cpu.user + cpu.system) / 1000 / (alone.closedDone + 50),
      });
    }
    const bySecond = secondsOf(load);
    const againSorted = [...again.latencies].sort((a, b) => a - b);
    const againFailures = Object.values(again.failures).reduce((a, b) => a + b, 0);
    const serverCpuMs = (serverCpu.user + serverCpu.system) / 1000;
    const latencies = load.latencies;
    const failures = Object.values(load.failures).reduce((a, b) => a + b, 0);
    const failureKinds = new Map(Object.entries(load.failures));
    const openSeconds = load.openSeconds;
    const sorted = [...latencies].sort((a, b) => a - b);
    const done = load.closedDone;
    const closedRate = done / load.closedSeconds;
    const served = latencies.length + failures + done;

    return [
      '## API (read routes, embedded runtime)',
      '',
      `${BODIES} bodies × ${YEARS.length} report years seeded; routes in turn: body search by code, body, years, one report (figures from the archived record), /status, search by parent. Client (test/bench/api-load.ts), server and stores each in a process of their own, on one loopback; ${PIN ? 'placed (`taskset`): the server alone on CPU 0, the stores and the client on CPU 1, as DynamoDB, S3 and the clients are remote in production' : '**unplaced** (BENCH_PIN=0 or no `taskset`): server, stores and client share every core'}; server CPU ${(serverCpuMs / served).toFixed(2)} ms a request, client CPU ${(load.clientCpuMs / served).toFixed(2)} ms a request.`,
      '',
      '| load | requests | p50 ms | p99 ms | requests/s | failures |',
      '|---|---:|---:|---:|---:|---:|',
      `| open loop, ${RATE}/s for ${OPEN_SECONDS} s, first pass over the paths | ${latencies.length} | ${pct(sorted, 50).toFixed(1)} | ${pct(sorted, 99).toFixed(1)} | ${(latencies.length / openSeconds).toFixed(0)} | ${failures} |`,
      `| open loop, ${RATE}/s for ${OPEN_SECONDS} s, the same paths again | ${again.latencies.length} | ${pct(againSorted, 50).toFixed(1)} | ${pct(againSorted, 99).toFixed(1)} | ${(again.latencies.length / again.openSeconds).toFixed(0)} | ${againFailures} |`,
      `| closed loop, ${CLIENTS} clients for ${CLOSED_SECONDS} s | ${done} | — | — | ${closedRate.toFixed(0)} | — |`,
      '',
      `Open loop second by second (p99 ms of the requests due in that second; the stores let settle ${SETTLE_MS / 1000} s after the bulk seeding; the generator warmed first by 300 body searches over ${POOL} keep-alive connections, which read no store): ${bySecond.map((b) => b.p99.toFixed(0)).join(', ')}; the same paths again: ${secondsOf(
        again,
      )
        .map((b) => b.p99.toFixed(0))
        .join(', ')}.`,
      '',
      ...(failureKinds.size > 0
        ? [`Failures by kind: ${[...failureKinds].map(([why, n]) => `${why} ×${n}`).join('; ')}.`, '']
        : []),
      'Each route alone (8 clients back to back for 4 s; server CPU per request = user + system time of the server process over the requests it served):',
      '',
      '| route | requests/s | server CPU ms a request |',
      '|---|---:|---:|',
      ...capacity.map((c) => `| \`${c.route}\` | ${c.perSecond.toFixed(0)} | ${c.cpuMs.toFixed(2)} |`),
      '',
      'Store calls per request (DynamoDB and S3, counted at the SDK, one request at a time):',
      '',
      '| route | store reads | rate-limit writes |',
      '|---|---:|---:|',
      ...ROUTES.map((r, i) => {
        const row = perRoute[i] as { reads: number; limiterWrites: number; requests: number };
        return `| \`${r}\` | ${(row.reads / row.requests).toFixed(2)} | ${(row.limiterWrites / row.requests).toFixed(2)} |`;
      }),
      '',
      `Whole-registry reads (${BODIES} bodies, one request each): ${wide
        .map((w) => `\`GET ${decodeURIComponent(w.path)}\` ${w.calls} store calls, ${w.ms.toFixed(0)} ms`)
        .join('; ')}.`,
      '',
      `Target: p99 < 200 ms at 200 requests/s: first pass ${pct(sorted, 99) < 200 && failures === 0 ? 'met' : 'NOT met'}, the same paths again ${pct(againSorted, 99) < 200 && againFailures === 0 ? 'met' : 'NOT met'} on this run.`,
    ].join('\n');
  } finally {
    await server.close();
    await rt.close();
    stores.stop();
    giveBack();
    await rm(dir, { recursive: true, force: true });
  }
}
