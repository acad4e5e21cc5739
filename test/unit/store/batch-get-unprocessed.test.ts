import { describe, expect, it } from 'vitest';
import { InfrastructureError } from '#shared/errors.ts';
import { getCrawlState } from '#shared/store/crawl-state.ts';
import type { Repository } from '#shared/store/repository.ts';
import { batchGetItems } from '#shared/store/sweep-reads.ts';

type Keys = Array<{ pk: string; sk: string }>;

/**
 * A table that answers BatchGetItem with every key in UnprocessedKeys for its first `throttled` calls (what
 * DynamoDB does when throttling: HTTP 200, nothing read), then reads them. Counted by calls, not by time.
 */
function throttlingTable(throttled: number) {
  let calls = 0;
  const repo = {
    table: 't',
    db: {
      async send(cmd: { input: { RequestItems: Record<string, { Keys: Keys }> } }) {
        calls += 1;
        const keys = cmd.input.RequestItems.t?.Keys ?? [];
        if (calls <= throttled) return { Responses: { t: [] }, UnprocessedKeys: { t: { Keys: keys } } };
        // Only META items exist (a body's state); other keys are absent, as a new body's WALK is.
        const metas = keys.filter((k) => k.sk === 'META');
        return { Responses: { t: metas.map((k) => ({ ...k, bodyId: 'b', consecutiveFailures: 0 })) } };
      },
    },
  } as unknown as Repository;
  return { repo, calls: () => calls };
}

describe('BatchGetItem UnprocessedKeys (adversarial review of issue 14)', () => {
  it('are asked again until read: a throttled table still answers the read', async () => {
    const t = throttlingTable(5);
    const wanted = Array.from({ length: 150 }, (_, i) => ({ pk: `BODY#${i}`, sk: 'META' }));
    const found = await batchGetItems(t.repo, wanted);
    expect(found.size).toBe(150);
    // 5 throttled rounds for the first 100 keys, 1 more, then 1 call for the other 50.
    expect(t.calls()).toBe(7);
  });

  it('still unprocessed after 8 rounds: an InfrastructureError (our store), never a partial answer', async () => {
    const t = throttlingTable(1000);
    const error = await batchGetItems(t.repo, [{ pk: 'BODY#1', sk: 'META' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(t.calls()).toBe(8);
  });

  it("the crawl state's read is bounded the same way (it looped without end or pause before)", async () => {
    const ok = throttlingTable(3);
    expect((await getCrawlState(ok.repo, 'b')).state.bodyId).toBe('b');
    const stuck = throttlingTable(1000);
    expect(await getCrawlState(stuck.repo, 'b').catch((e: unknown) => e)).toBeInstanceOf(InfrastructureError);
    expect(stuck.calls()).toBe(8);
  });
});
