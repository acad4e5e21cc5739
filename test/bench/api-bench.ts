/**
 * API benchmark: the read routes of the Hono app served on loopback by the embedded runtime (dynalite and
 * s3rver in their own process), over a store of 1,000 bodies × 3 report years seeded in bulk
 * (test/support/read-scale.ts). Two measurements: an open loop at a fixed 200 requests/s (latency p50/p99
 * under the target load: requests are sent on schedule whether or not earlier ones finished), and a closed
 * loop of 16 clients back to back (the throughput the machine reaches).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveApi } from '#shared/api/serve.ts';
import { loadConfig } from '#shared/config.ts';
import { startRuntime } from '#shared/local/runtime.ts';
import { countStoreCalls } from '#test/bench/bench-stores.ts';
import { scaleRegistry, seedReadScale } from '#test/support/read-scale.ts';

const BODIES = 1000;
const YEARS = [2023, 2024, 2025];
const RATE = 200;
const OPEN_SECONDS = 15;
const CLOSED_SECONDS = 10;
const CLIENTS = 16;

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

export async function runApiBench(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-api-bench-'));
  const registry = scaleRegistry(BODIES);
  const rt = await startRuntime({
    config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }),
    registry,
  });
  const server = await serveApi(rt.ctx, { rateLimits: { publicPerMinute: 1e9 } });
  try {
    await seedReadScale(rt.ctx, registry, YEARS);
    let n = 0;
    const ids = registry.map((b) => b.id);
    const nextPath = () => {
      const i = n++;
      const id = ids[(i * 7919) % ids.length] as string;
      switch (i % 6) {
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

    // Open loop at RATE requests/s.
    const latencies: number[] = [];
    let failures = 0;
    const failureKinds = new Map<string, number>();
    const inFlight: Array<Promise<void>> = [];
    const t0 = performance.now();
    for (let i = 0; i < RATE * OPEN_SECONDS; i += 1) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        once().then(
          (ms) => {
            latencies.push(ms);
          },
          (error: unknown) => {
            failures += 1;
            const why = error instanceof Error ? error.message : String(error);
            failureKinds.set(why, (failureKinds.get(why) ?? 0) + 1);
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const openSeconds = (performance.now() - t0) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);

    // Closed loop: CLIENTS back to back.
    let done = 0;
    const end = performance.now() + CLOSED_SECONDS * 1000;
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < end) {
          await once();
          done += 1;
        }
      }),
    );
    const closedRate = done / ((performance.now() - t1) / 1000);

    return [
      '## API (read routes, embedded runtime)',
      '',
      `${BODIES} bodies × ${YEARS.length} report years seeded; routes in turn: body search by code, body, years, one report (figures from the archived record), /status, search by parent. Client and server on one loopback, the stores in their own process.`,
      '',
      '| load | requests | p50 ms | p99 ms | requests/s | failures |',
      '|---|---:|---:|---:|---:|---:|',
      `| open loop, ${RATE}/s for ${OPEN_SECONDS} s | ${latencies.length} | ${pct(sorted, 50).toFixed(1)} | ${pct(sorted, 99).toFixed(1)} | ${(latencies.length / openSeconds).toFixed(0)} | ${failures} |`,
      `| closed loop, ${CLIENTS} clients for ${CLOSED_SECONDS} s | ${done} | — | — | ${closedRate.toFixed(0)} | — |`,
      '',
      ...(failureKinds.size > 0
        ? [`Failures by kind: ${[...failureKinds].map(([why, n]) => `${why} ×${n}`).join('; ')}.`, '']
        : []),
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
      `Target: p99 < 200 ms at 200 requests/s: ${pct(sorted, 99) < 200 && failures === 0 ? 'met' : 'NOT met'} on this run.`,
    ].join('\n');
  } finally {
    await server.close();
    await rt.close();
    await rm(dir, { recursive: true, force: true });
  }
}
