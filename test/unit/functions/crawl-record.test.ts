import { beforeEach, describe, expect, it, vi } from 'vitest';

const { log, walk } = vi.hoisted(() => ({
  log: vi.fn(),
  walk: vi.fn(async (ids: readonly string[]) => ({ crawled: [], skipped: [...ids], requeued: [] })),
}));
vi.mock('#shared/aws/context.ts', () => ({
  buildAwsContext: async () => ({ log, fetcher: { flush: async () => undefined } }),
}));
vi.mock('#shared/stages/crawl-hosts.ts', () => ({ crawlHosts: (ids: readonly string[]) => walk(ids) }));

const { handler } = await import('#functions/crawl/handler.ts');
const { hostBatches, MAX_BATCH_IDS } = await import('#shared/stages/host-batches.ts');
const { Body } = await import('#shared/domain/body.ts');

const record = (bodyIds: string[], messageId = 'm1') => ({
  Records: [{ messageId, body: JSON.stringify({ type: 'batch', task: 'crawl', bodyIds }) }],
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(10_000_000 + i));

/** A fresh reviewer's probes: the crawl function's record schema against big hosts. */
describe('crawl handler: crawl-batch records of big hosts', () => {
  beforeEach(() => {
    log.mockClear();
    walk.mockClear();
  });

  it('takes a host of 5,000 bodies whole', async () => {
    await expect(handler(record(ids(5000)))).resolves.toEqual({ batchItemFailures: [] });
    expect(walk).toHaveBeenCalledTimes(1);
    expect(walk.mock.calls[0]?.[0]).toHaveLength(5000);
  });

  it('takes MAX_BATCH_IDS ids, and the largest batch hostBatches makes of long-slug ids (under 1 MiB)', async () => {
    await expect(handler(record(ids(MAX_BATCH_IDS)))).resolves.toEqual({ batchItemFailures: [] });
    const slug = 's'.repeat(60);
    const bodies = Array.from({ length: MAX_BATCH_IDS }, (_, i) =>
      Body.parse({
        id: `${100000000 + i}-${slug}`,
        name: 'xx',
        level: 'department',
        divisionCode: '100000',
        listingUrl: 'http://big.gov.cn/',
      }),
    );
    const [first] = hostBatches(bodies, 1000);
    const event = record(first ?? []);
    expect(Buffer.byteLength(event.Records[0]!.body)).toBeLessThanOrEqual(1_048_576);
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
  });

  it('fails a record of MAX_BATCH_IDS + 1 ids alone, with a clear reason, without throwing', async () => {
    await expect(handler(record(ids(MAX_BATCH_IDS + 1), 'big'))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'big' }],
    });
    expect(walk).not.toHaveBeenCalled();
    const messages = log.mock.calls.map((c) => String(c[0]));
    expect(messages.some((m) => /record big .*rejected: not a valid message: bodyIds: .*20000/.test(m))).toBe(
      true,
    );
  });
});
