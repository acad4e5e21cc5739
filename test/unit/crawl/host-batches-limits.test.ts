import { describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { CycleMessage } from '#shared/stages/cycle-stage.ts';
import { BATCH_IDS_MAX_BYTES, hostBatches, MAX_BATCH_IDS, originOf } from '#shared/stages/host-batches.ts';

/** SQS's largest message (the crawl-batch queue's MaximumMessageSize). */
const SQS_MAX = 1_048_576;
const body = (id: string, listingUrl: string) =>
  Body.parse({ id, name: id, level: 'department', divisionCode: id.slice(0, 6).padEnd(6, '0'), listingUrl });
const messageBytes = (ids: string[], task: 'crawl' | 'recrawl' = 'recrawl') =>
  Buffer.byteLength(JSON.stringify({ type: 'batch', task, bodyIds: ids }));

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every invariant the change promises, checked on one input. */
function checkInvariants(bodies: Body[], size: number, maxBytes = BATCH_IDS_MAX_BYTES) {
  const batches = hostBatches(bodies, size, maxBytes);
  // No loss, no duplication, registry order kept within each host.
  expect(batches.flat().sort()).toEqual(bodies.map((b) => b.id).sort());
  const hostOf = new Map(bodies.map((b) => [b.id, originOf(b)]));
  const byHost = new Map<string, string[]>();
  for (const b of bodies) {
    const list = byHost.get(originOf(b)) ?? [];
    list.push(b.id);
    byHost.set(originOf(b), list);
  }
  const seenOrder = new Map<string, string[]>();
  for (const batch of batches) {
    expect(batch.length).toBeGreaterThan(0);
    expect(batch.length).toBeLessThanOrEqual(MAX_BATCH_IDS);
    const hosts = new Set(batch.map((id) => hostOf.get(id)));
    // A batch over `size` is one host alone.
    if (batch.length > size) expect(hosts.size).toBe(1);
    for (const id of batch) {
      const h = hostOf.get(id) as string;
      const list = seenOrder.get(h) ?? [];
      list.push(id);
      seenOrder.set(h, list);
    }
    // The real message fits SQS and parses as a CycleMessage.
    expect(messageBytes(batch)).toBeLessThanOrEqual(SQS_MAX);
    expect(CycleMessage.safeParse({ type: 'batch', task: 'crawl', bodyIds: batch }).success).toBe(true);
  }
  for (const [h, ids] of byHost) expect(seenOrder.get(h)).toEqual(ids);
  // A host within the limits is in exactly one batch.
  for (const [h, ids] of byHost) {
    const bytes = 2 + ids.reduce((n, id) => n + id.length + 3, 0);
    const inBatches = batches.filter((b) => b.some((id) => hostOf.get(id) === h)).length;
    if (ids.length <= MAX_BATCH_IDS && bytes <= maxBytes) expect(inBatches, `host ${h}`).toBe(1);
  }
  return batches;
}

describe("hostBatches: a fresh reviewer's probes", () => {
  it('keeps its promises on random registries (hosts of 1..2,500 bodies, sizes 1..1,000)', () => {
    const r = rng(54);
    for (let round = 0; round < 25; round++) {
      const hosts = 1 + Math.floor(r() * 30);
      const bodies: Body[] = [];
      let n = 0;
      const perHost = Array.from(
        { length: hosts },
        () => (r() < 0.15 ? Math.floor(r() * 2500) : Math.floor(r() * 40)) + 1,
      );
      // Interleave hosts as a registry file would (not grouped).
      const left = [...perHost];
      while (left.some((x) => x > 0)) {
        const h = Math.floor(r() * hosts);
        if ((left[h] ?? 0) === 0) continue;
        left[h] = (left[h] ?? 0) - 1;
        n += 1;
        const port = h % 3 === 0 ? '' : `:${8000 + h}`;
        bodies.push(body(`${100000 + n}`, `http://h${h}.gov.cn${port}/col/${n}/`));
      }
      const size = [1, 2, 7, 50, 200, 1000][Math.floor(r() * 6)] as number;
      checkInvariants(bodies, size);
    }
  });

  it('handles empty input and size 1', () => {
    expect(hostBatches([], 1000)).toEqual([]);
    const bodies = [
      body('11', 'http://a.gov.cn/'),
      body('12', 'http://a.gov.cn/x'),
      body('13', 'http://b.gov.cn/'),
    ];
    expect(hostBatches(bodies, 1)).toEqual([['11', '12'], ['13']]);
  });

  it('treats one origin written differently (default port, case, IDN in Unicode or punycode) as one host', () => {
    const bodies = [
      body('21', 'http://a.gov.cn/x'),
      body('22', 'http://z.gov.cn/'),
      body('23', 'http://A.GOV.CN:80/y'),
      body('24', 'http://政府.cn/'),
      body('25', 'http://xn--mxtq1m.cn/z'),
    ];
    const batches = checkInvariants(bodies, 1);
    expect(batches).toContainEqual(['21', '23']);
    expect(batches).toContainEqual(['24', '25']);
  });

  it('PROBE: http and https of one server are two origins, so two batches (by design: the unit is the origin)', () => {
    const bodies = [body('31', 'http://a.gov.cn/x'), body('32', 'https://a.gov.cn/y')];
    expect(hostBatches(bodies, 1)).toEqual([['31'], ['32']]);
  });

  it('cuts a host of long-slug ids by bytes, every part a message SQS takes, byte accounting conservative', () => {
    // 9 digits + '-' + a 40-char slug: 50-char ids, 53 bytes each in the array: ~18,500 fit 960 KiB.
    const slug = 'x'.repeat(40);
    const bodies = Array.from({ length: MAX_BATCH_IDS }, (_, i) =>
      body(`${String(100000000 + i)}-${slug}`, 'http://big.gov.cn/'),
    );
    const batches = checkInvariants(bodies, 1000);
    expect(batches.length).toBe(2);
    for (const b of batches)
      expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(BATCH_IDS_MAX_BYTES);
    // Tight: the first part could not take one more id.
    const first = batches[0] as string[];
    expect(Buffer.byteLength(JSON.stringify([...first, bodies[first.length]!.id]))).toBeGreaterThan(
      BATCH_IDS_MAX_BYTES - 1,
    );
  });

  it('a host of 2 KB ids (2.4 MB in all) is cut by bytes into messages SQS takes', () => {
    const slug = 'y'.repeat(2000);
    const bodies = Array.from({ length: 1200 }, (_, i) =>
      body(`${String(100000000 + i)}-${slug}`, 'http://big.gov.cn/'),
    );
    checkInvariants(bodies, 1000);
  });

  it('checks a packed batch (hosts each within `size`) against the byte limit', () => {
    // 1,000 bodies, each on its own host, ids with a 1,100-char slug (Body's id schema bounds no slug):
    // all packed in one batch of `size` = 1,000, ~1.1 MB of ids: SQS refuses the message.
    const slug = 'z'.repeat(1100);
    const bodies = Array.from({ length: 1000 }, (_, i) =>
      body(`${String(100000000 + i)}-${slug}`, `http://h${i}.gov.cn/`),
    );
    const batches = hostBatches(bodies, 1000);
    expect(Math.max(...batches.map((b) => messageBytes(b)))).toBeLessThanOrEqual(SQS_MAX);
  });

  it('cuts a single host of exactly `size` long-slug bodies by bytes too', () => {
    const slug = 'z'.repeat(1100);
    const bodies = Array.from({ length: 1000 }, (_, i) =>
      body(`${String(100000000 + i)}-${slug}`, 'http://one.gov.cn/'),
    );
    const batches = hostBatches(bodies, 1000);
    expect(Math.max(...batches.map((b) => messageBytes(b)))).toBeLessThanOrEqual(SQS_MAX);
  });
});
