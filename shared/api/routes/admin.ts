import type { Context } from 'hono';
import { z } from 'zod';
import { bodyInScope } from '../../domain/body.ts';
import { loadRegistry } from '../../domain/registry.ts';
import { crawlHealth, dueYearsOfBodies } from '../../read/index.ts';
import { reparseArchive } from '../../stages/reparse-stage.ts';
import { runSweep } from '../../stages/sweep-stage.ts';
import { readSweepState } from '../../store/sweep-reads.ts';
import { DiscoverRequest, discoverProposal } from '../admin-discover.ts';
import { adminAccess } from '../admin-token.ts';
import { readJson } from '../http.ts';
import { ErrorBody, route } from '../openapi.ts';
import type { ApiOptions } from '../options.ts';
import { queueDepths } from '../queue-depths.ts';
import { requestRecrawl } from '../recrawl.ts';
import { BodyId, BodyParams, ScopeParam } from './schemas.ts';
import type { RouteRegistrar } from './types.ts';

export const RecrawlRequest = z.object({
  bodyIds: z.array(BodyId).min(1).max(100_000).optional(),
  scope: ScopeParam.optional(),
});
const BodiesRequest = z.object({ bodyIds: z.array(BodyId).min(1).max(50) });
const OptionalBodiesRequest = z.object({ bodyIds: z.array(BodyId).min(1).max(100_000).optional() });
const RequeueRequest = z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(1000).optional() });
const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

const ok = (description: string) => ({ description, content: { 'application/json': null } });
const notConfigured = {
  description: 'not available on this runtime',
  content: { 'application/json': ErrorBody },
};

/** 401/403 as JSON, or null when the caller may use /admin. */
async function refuse(c: Context, ctx: Parameters<RouteRegistrar>[1], options: ApiOptions) {
  const access = await adminAccess(c, ctx.repo, options, ctx.now());
  if (access === 401)
    return c.json({ error: 'admin key required (x-admin-token or Authorization: Bearer)' }, 401);
  if (access === 403) return c.json({ error: 'this admin key is not valid' }, 403);
  return null;
}

/**
 * The admin actions, behind an admin key (issued by `nianbao admin-key create`, stored hashed) or the
 * configured token: re-crawl (idempotent while pending), re-parse, re-run the deadline rules, failing
 * bodies, inconclusive years and why, dead letters with requeue, recent crawl errors, registry entries.
 */
export const registerAdminRoutes: RouteRegistrar = (app, ctx, options) => {
  const admin = <P extends z.ZodType, Q extends z.ZodType>(
    doc: Parameters<typeof route<P, Q>>[1],
    handler: Parameters<typeof route<P, Q>>[2],
  ) =>
    route(
      app,
      { ...doc, admin: true },
      async (c, input) => (await refuse(c, ctx, options)) ?? handler(c, input),
    );

  admin(
    {
      method: 'post',
      path: '/admin/recrawl',
      tag: 'admin',
      summary:
        'Re-crawl bodies, a scope or everything; a body with a re-crawl pending is not queued again (idempotent)',
      body: RecrawlRequest,
      responses: { 202: ok('queued, pending and fanned-out bodies') },
    },
    async (c) => {
      const parsed = await readJson(c.req.raw, RecrawlRequest, {});
      if (!parsed.ok) return c.json(parsed.error, 400);
      const unknown = (parsed.data.bodyIds ?? []).filter((id) => !ctx.registry.has(id));
      if (unknown.length > 0) return c.json({ error: 'unknown body ids', issues: unknown }, 400);
      const scope = parsed.data.scope;
      const ids =
        parsed.data.bodyIds ??
        [...ctx.registry.values()].filter((b) => !scope || bodyInScope(b, scope)).map((b) => b.id);
      return c.json(await requestRecrawl(ctx, ids), 202);
    },
  );

  admin(
    {
      method: 'post',
      path: '/admin/reparse',
      tag: 'admin',
      summary: "Re-parse bodies' archived pages (parser and report rules again); only new findings alert",
      body: BodiesRequest,
      responses: { 200: ok('what changed per page') },
    },
    async (c) => {
      const parsed = await readJson(c.req.raw, BodiesRequest);
      if (!parsed.ok) return c.json(parsed.error, 400);
      const unknown = parsed.data.bodyIds.filter((id) => !ctx.registry.has(id));
      if (unknown.length > 0) return c.json({ error: 'unknown body ids', issues: unknown }, 400);
      const changes = await reparseArchive(ctx, parsed.data.bodyIds);
      return c.json({
        changes: changes.map((ch) => ({ bodyId: ch.bodyId, rawKey: ch.rawKey, changed: ch.changed })),
      });
    },
  );

  admin(
    {
      method: 'post',
      path: '/admin/rules',
      tag: 'admin',
      summary:
        'Re-run the deadline rules (the sweep) for bodies or everything; report rules run with /admin/reparse',
      body: OptionalBodiesRequest,
      responses: { 200: ok('each due year and the alerts raised') },
    },
    async (c) => {
      const parsed = await readJson(c.req.raw, OptionalBodiesRequest, {});
      if (!parsed.ok) return c.json(parsed.error, 400);
      const unknown = (parsed.data.bodyIds ?? []).filter((id) => !ctx.registry.has(id));
      if (unknown.length > 0) return c.json({ error: 'unknown body ids', issues: unknown }, 400);
      const ids = new Set(parsed.data.bodyIds ?? ctx.registry.keys());
      const registry = new Map([...ctx.registry].filter(([id]) => ids.has(id)));
      const outcome = await runSweep({ ...ctx, registry });
      return c.json({ years: outcome.rows, newAlerts: outcome.newAlerts });
    },
  );

  admin(
    {
      method: 'get',
      path: '/admin/failing',
      tag: 'admin',
      summary: 'Bodies whose last crawls failed or whose candidate links fail, with their health',
      responses: { 200: ok('failing bodies') },
    },
    async (c) => {
      const ids = [...ctx.registry.keys()];
      const { states } = await readSweepState(ctx.repo, ids, []);
      const items = ids.flatMap((id) => {
        const s = states.get(id);
        return s && (s.consecutiveFailures > 0 || (s.failingLinks ?? 0) > 0)
          ? [{ bodyId: id, name: ctx.registry.get(id)?.name, health: crawlHealth(s) }]
          : [];
      });
      return c.json({ items });
    },
  );

  admin(
    {
      method: 'get',
      path: '/admin/inconclusive',
      tag: 'admin',
      summary: 'Due years that are inconclusive or unreachable, with why',
      responses: { 200: ok('years and reasons') },
    },
    async (c) => {
      const years = await dueYearsOfBodies(ctx, [...ctx.registry.values()]);
      const items = [...years].flatMap(([bodyId, views]) =>
        views
          .filter((y) => y.outcome === 'inconclusive' || y.outcome === 'unreachable')
          .map((y) => ({
            bodyId,
            name: ctx.registry.get(bodyId)?.name,
            year: y.year,
            outcome: y.outcome,
            reasons: y.reasons,
          })),
      );
      return c.json({ today: ctx.today(), items });
    },
  );

  admin(
    {
      method: 'get',
      path: '/admin/crawl-errors',
      tag: 'admin',
      summary: 'The most recent crawl errors (last error of each body), newest first',
      query: LimitQuery,
      responses: { 200: ok('errors') },
    },
    async (c, { query }) => {
      const ids = [...ctx.registry.keys()];
      const { states } = await readSweepState(ctx.repo, ids, []);
      const items = [...states.values()]
        .filter((s) => s.lastError !== undefined && s.consecutiveFailures > 0)
        .map((s) => ({
          bodyId: s.bodyId,
          at: s.lastCheckedAt ?? null,
          errorClass: s.lastErrorClass ?? null,
          error: s.lastError,
          status: s.lastStatus ?? null,
          consecutiveFailures: s.consecutiveFailures,
        }))
        .sort((a, b) => ((a.at ?? '') < (b.at ?? '') ? 1 : -1))
        .slice(0, query.limit);
      return c.json({ items });
    },
  );

  admin(
    {
      method: 'get',
      path: '/admin/queues',
      tag: 'admin',
      summary:
        'Depth of each queue this runtime sends to: waiting, in flight and dead letters (SQS approximate counts)',
      responses: { 200: ok('queues and their depths') },
    },
    async (c) => c.json({ items: await queueDepths(ctx) }),
  );

  admin(
    {
      method: 'post',
      path: '/admin/discover',
      tag: 'admin',
      summary:
        "Propose a portal's 年报 listing URL and registry entry from its home page (as `nianbao discover`); writes nothing",
      body: DiscoverRequest,
      responses: {
        200: ok('the listing URL and the proposed entry'),
        422: ok('the portal could not be walked'),
      },
    },
    async (c) => {
      const parsed = await readJson(c.req.raw, DiscoverRequest);
      if (!parsed.ok) return c.json(parsed.error, 400);
      const answer = await discoverProposal(ctx, parsed.data.url);
      if (!answer.ok) return c.json({ error: answer.error, errorClass: answer.errorClass }, 422);
      return c.json(answer.proposal);
    },
  );

  admin(
    {
      method: 'get',
      path: '/admin/dead-letters',
      tag: 'admin',
      summary: "Messages the runtime's queues gave up on, with their last error",
      responses: { 200: ok('dead letters'), 501: notConfigured },
    },
    async (c) => {
      if (!options.deadLetters)
        return c.json({ error: 'dead letters are not readable on this runtime' }, 501);
      return c.json({ items: await options.deadLetters.list() });
    },
  );

  admin(
    {
      method: 'post',
      path: '/admin/dead-letters/requeue',
      tag: 'admin',
      summary: 'Send dead letters (the ids given, or all) back to their queue',
      body: RequeueRequest,
      responses: { 200: ok('ids requeued'), 501: notConfigured },
    },
    async (c) => {
      if (!options.deadLetters)
        return c.json({ error: 'dead letters are not readable on this runtime' }, 501);
      const parsed = await readJson(c.req.raw, RequeueRequest, {});
      if (!parsed.ok) return c.json(parsed.error, 400);
      return c.json({ requeued: await options.deadLetters.requeue(parsed.data.ids) });
    },
  );

  admin(
    {
      method: 'put',
      path: '/admin/registry/:bodyId',
      tag: 'admin',
      summary:
        'Add or update a registry entry (validated like the registry file: schema, GB/T 2260 code, id)',
      params: BodyParams,
      body: z
        .object({ name: z.string(), level: z.string(), divisionCode: z.string(), listingUrl: z.string() })
        .loose(),
      responses: { 200: ok('updated'), 201: ok('created'), 501: notConfigured },
    },
    async (c, { params }) => {
      if (!options.registry)
        return c.json({ error: 'registry updates are not available on this runtime' }, 501);
      const parsed = await readJson(c.req.raw, z.record(z.string(), z.unknown()));
      if (!parsed.ok) return c.json(parsed.error, 400);
      if (parsed.data.id !== undefined && parsed.data.id !== params.bodyId) {
        return c.json(
          {
            error: 'invalid registry entry',
            issues: [`id: ${String(parsed.data.id)} differs from the path's ${params.bodyId}`],
          },
          400,
        );
      }
      const { bodies, errors } = loadRegistry({ bodies: [{ ...parsed.data, id: params.bodyId }] });
      const body = bodies[0];
      if (!body) {
        const reasons = errors.map((e) => e.message.replace(/^registry entry #0 \([^)]*\): /, ''));
        return c.json({ error: 'invalid registry entry', issues: reasons }, 400);
      }
      const { created } = await options.registry.upsert(body);
      return c.json({ created, body }, created ? 201 : 200);
    },
  );
};
