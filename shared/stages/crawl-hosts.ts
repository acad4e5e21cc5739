import type { Body } from '../domain/body.ts';
import type { StageContext } from './context.ts';
import { type CrawlStageOutcome, handleCrawl, MAX_CONTINUATIONS } from './crawl-stage.ts';
import { originOf } from './host-batches.ts';
import { bodyIsDue } from './schedule-stage.ts';

export interface HostWalkOptions {
  /** Re-crawl whatever the interval (POST /admin/recrawl). */
  force?: boolean;
  /** Lambda: the invocation's remaining time, asked before each body. */
  remainingMs?: () => number;
}

export interface HostWalkResult {
  /** Each crawl's outcome: a body resumed after its budget ran out has one per part, the last one whole. */
  crawled: CrawlStageOutcome[];
  /** Not due (checked within the interval, no unfinished work). */
  skipped: string[];
  /**
   * Handed on: the invocation was running out (the rest of each host in one crawl-batch message, or each body
   * to the crawl queue without one), or their crawl failed on our side (each to the crawl queue).
   */
  requeued: string[];
}

/**
 * One crawl-tick batch walked in this process (the plain-HTTP crawl function): its hosts at once (up to
 * `ctx.crawlWorkers`), each host's due bodies one after another through the one host gate, so the host
 * delay is waited here while the other hosts' requests are in flight: the invocation is billed once for
 * all the hosts waiting on the network, not once per body. A body whose crawl fails on our side is handed to
 * the crawl queue (its own message, its host's group, retried and dead-lettered alone) once the walk has left
 * its host; a body whose budget runs out is resumed next; when the
 * invocation has less than one fetch's worst case and 10 s left, the rest of each host goes on whole
 * (handOn); a body needing Chromium goes to the browser queue (handleCrawl). A retried batch crawls only
 * what is still due.
 */
export async function crawlHosts(
  bodyIds: readonly string[],
  ctx: StageContext,
  o: HostWalkOptions = {},
): Promise<HostWalkResult> {
  const bodies = bodyIds.flatMap((id) => {
    const b = ctx.registry.get(id);
    return b ? [b] : [];
  });
  const hosts = new Map<string, Body[]>();
  for (const b of bodies) hosts.set(originOf(b), [...(hosts.get(originOf(b)) ?? []), b]);
  const result: HostWalkResult = { crawled: [], skipped: [], requeued: [] };
  // A body is started while one fetch's worst case and 10 s of wrap-up are left: its own budget is capped
  // by the time left (budget.ts), and what it cannot finish is resumed next or handed on with the host's rest.
  const reserveMs = ctx.fetchWorstCaseMs + 10_000;
  const queue = [...hosts.values()];
  // A worker that fails (a hand-on or due read failing on our side) stops, and the others stop before their
  // next body (`stopped`): the first failure is thrown once every worker has stopped, so nothing of this
  // record is still crawling when it is reported failed; its retry walks again what is still due.
  let stopped = false;
  const walkHost = async (hostBodies: Body[]) => {
    // A body cut short by its budget is resumed next, here, not sent to the crawl queue: a continuation
    // there would crawl the host while this walk (or the rest handed on) goes on with its other bodies.
    let resumed = 0;
    // Bodies whose crawl failed on our side: sent on when the walk leaves the host, so no crawl of them
    // runs beside it (to the crawl queue, retried and dead-lettered alone; in the host's rest when out of time).
    const failed: Body[] = [];
    for (let i = 0; i < hostBodies.length; ) {
      if (stopped) return;
      const body = hostBodies[i]!;
      const remainingMs = o.remainingMs?.();
      if (remainingMs !== undefined && remainingMs < reserveMs) {
        // Out of time: the host's rest goes on whole (handOn), so it is still walked by one invocation.
        await handOn([...hostBodies.slice(i), ...failed], o, ctx, result);
        return;
      }
      if (resumed === 0 && !o.force && !(await bodyIsDue(ctx, body.id))) {
        result.skipped.push(body.id);
        i += 1;
        continue;
      }
      const message = crawlMessage(body, o);
      try {
        const outcome = await handleCrawl(message, ctx, {
          ...(remainingMs === undefined ? {} : { remainingMs }),
          continueHere: true,
        });
        result.crawled.push(outcome);
        if (outcome.continuation && resumed < MAX_CONTINUATIONS) {
          resumed += 1;
          continue;
        }
        if (outcome.continuation)
          ctx.log('crawl continuations exhausted: the next tick resumes', {
            stage: 'crawl',
            bodyId: body.id,
          });
      } catch (error) {
        ctx.log(`crawl of ${body.id} failed on our side: sent on when the walk leaves its host`, {
          stage: 'crawl',
          bodyId: body.id,
          level: 'error',
          errorClass: error instanceof Error ? error.constructor.name : typeof error,
        });
        failed.push(body);
      }
      resumed = 0;
      i += 1;
    }
    for (const body of failed) await requeue(body, crawlMessage(body, o), ctx, result);
  };
  const workers = Array.from({ length: Math.min(ctx.crawlWorkers, queue.length) }, async () => {
    try {
      for (let host = stopped ? undefined : queue.shift(); host; host = stopped ? undefined : queue.shift())
        await walkHost(host);
    } catch (error) {
      stopped = true;
      throw error;
    }
  });
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return result;
}

/**
 * The bodies of one host this invocation has no time for, handed on: in one crawl-batch message when there
 * is a crawl-batch queue (AWS), so the next invocation walks the rest of the host as this one did (one
 * request in flight there, one SendMessage however many bodies; that walk checks what is still due), else
 * each body still due (or every one, forced) to the crawl queue in the host's message group.
 */
async function handOn(
  rest: readonly Body[],
  o: HostWalkOptions,
  ctx: StageContext,
  result: HostWalkResult,
): Promise<void> {
  if (!ctx.crawlBatchQueue) {
    for (const body of rest) {
      // A crawl message is crawled whatever is due: only what is still due is sent (a forced walk, all).
      if (!o.force && !(await bodyIsDue(ctx, body.id))) {
        result.skipped.push(body.id);
        continue;
      }
      await requeue(body, crawlMessage(body, o), ctx, result);
    }
    return;
  }
  const first = rest[0];
  if (!first) return;
  await ctx.crawlBatchQueue.send(
    { type: 'batch', task: o.force ? 'recrawl' : 'crawl', bodyIds: rest.map((b) => b.id) },
    { dedupId: `${first.id}#rest@${ctx.now().toISOString()}` },
  );
  result.requeued.push(...rest.map((b) => b.id));
}

/** The crawl message of one body of a walk: a manual re-crawl when the walk is forced, else scheduled. */
const crawlMessage = (body: Body, o: HostWalkOptions) => ({
  type: 'crawl' as const,
  bodyId: body.id,
  reason: o.force ? 'manual' : 'schedule',
});

async function requeue(
  body: Body,
  message: { type: 'crawl'; bodyId: string; reason: string },
  ctx: StageContext,
  result: HostWalkResult,
): Promise<void> {
  await ctx.crawlQueue.send(message, {
    groupId: originOf(body),
    dedupId: `${body.id}#requeued@${ctx.now().toISOString()}`,
  });
  result.requeued.push(body.id);
}
