import type { Queue, QueueDepth } from '../queue/queue.ts';
import type { StageContext } from '../stages/context.ts';

/** The stage queues by the role the admin page names them with (docs/architecture.md). */
const ROLES = [
  ['crawl', 'crawlQueue'],
  ['crawl-batch', 'crawlBatchQueue'],
  ['browser', 'browserQueue'],
  ['parse', 'parseQueue'],
  ['alert', 'alertQueue'],
  ['cycle', 'cycleQueue'],
] as const satisfies ReadonlyArray<readonly [string, keyof StageContext]>;

/** One row of the admin page's queue table: the depth, or why it is not known here. */
export type QueueDepthRow = { role: string } & (QueueDepth | { queue: null; error: string });

/**
 * The depth of each queue of the stage context (local queues or SQS through `Queue.measure`), in a
 * fixed order; a queue this runtime cannot see (an AWS function not bound to it) or whose read failed
 * gets a row saying so. A queue serving two roles is listed once.
 */
export async function queueDepths(ctx: StageContext): Promise<QueueDepthRow[]> {
  const seen = new Set<unknown>();
  const queues: Array<[string, Queue<unknown> | undefined]> = [];
  for (const [role, key] of ROLES) {
    const q = ctx[key] as Queue<unknown> | undefined;
    if (q === undefined || seen.has(q)) continue;
    seen.add(q);
    queues.push([role, q]);
  }
  return Promise.all(
    queues.map(async ([role, q]): Promise<QueueDepthRow> => {
      if (!q?.measure) return { role, queue: null, error: 'not visible from this runtime' };
      try {
        return { role, ...(await q.measure()) };
      } catch (error) {
        return { role, queue: null, error: (error as Error).message };
      }
    }),
  );
}
