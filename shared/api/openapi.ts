import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { invalid } from './http.ts';

type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteDoc<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: Method;
  /** Hono's syntax: `/api/bodies/:bodyId`. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  /** The JSON request body (documented; the handler reads it with readJson). */
  body?: z.ZodType;
  /** Status → description and the media types it answers with (a zod schema documents a JSON body). */
  responses: Record<number, { description: string; content?: Record<string, z.ZodType | null> }>;
  /** Behind the admin key (`x-admin-token` or `Authorization: Bearer`). */
  admin?: boolean;
}

/** Every documented route, keyed `METHOD path` (filled as the app registers them). */
const documented = new Map<string, RouteDoc>();

export const ErrorBody = z.object({
  error: z.string(),
  issues: z.array(z.string()).optional(),
  fields: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
});

const STANDARD_ERRORS: RouteDoc['responses'] = {
  400: {
    description: 'invalid input: each field with its reason',
    content: { 'application/json': ErrorBody },
  },
  413: { description: 'request body too large', content: { 'application/json': ErrorBody } },
  429: {
    description: 'too many requests from this client (Retry-After)',
    content: { 'application/json': ErrorBody },
  },
};

/** Records a route's documentation without registering a handler (routes of other groups). */
export function documentRoute(doc: RouteDoc): void {
  documented.set(`${doc.method.toUpperCase()} ${doc.path}`, doc);
}

/**
 * Registers a handler and its documentation together: path parameters and the query are validated by
 * the doc's zod schemas first, a failure answering 400 with each field and its reason; the handler gets
 * the parsed values.
 */
export function route<P extends z.ZodType, Q extends z.ZodType>(
  app: Hono,
  doc: RouteDoc<P, Q>,
  handler: (c: Context, input: { params: z.infer<P>; query: z.infer<Q> }) => Response | Promise<Response>,
): void {
  documentRoute(doc as unknown as RouteDoc);
  app.on(doc.method.toUpperCase(), doc.path, async (c) => {
    const params = doc.params ? doc.params.safeParse(c.req.param()) : { success: true as const, data: {} };
    if (!params.success) return c.json(invalid(params.error, 'path'), 400);
    const query = doc.query ? doc.query.safeParse(c.req.query()) : { success: true as const, data: {} };
    if (!query.success) return c.json(invalid(query.error, 'query'), 400);
    return handler(c, { params: params.data as z.infer<P>, query: query.data as z.infer<Q> });
  });
}

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(doc: RouteDoc | undefined, path: string): JsonSchema[] {
  const out: JsonSchema[] = [];
  const pathNames = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  const pathShape = doc?.params instanceof z.ZodObject ? (doc.params.shape as Record<string, z.ZodType>) : {};
  for (const name of pathNames) {
    const s = pathShape[name];
    out.push({ name, in: 'path', required: true, schema: s ? schemaOf(s, 'input') : { type: 'string' } });
  }
  if (doc?.query instanceof z.ZodObject) {
    for (const [name, s] of Object.entries(doc.query.shape as Record<string, z.ZodType>)) {
      const schema = schemaOf(s, 'input');
      out.push({
        name,
        in: 'query',
        required: !s.safeParse(undefined).success,
        schema,
        ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
      });
    }
  }
  return out;
}

function responses(doc: RouteDoc | undefined): JsonSchema {
  const all = { ...(doc ? STANDARD_ERRORS : {}), ...(doc?.responses ?? { 200: { description: 'OK' } }) };
  if (doc?.admin) {
    all[401] = { description: 'no admin key presented', content: { 'application/json': ErrorBody } };
    all[403] = {
      description: 'the admin key presented is not valid',
      content: { 'application/json': ErrorBody },
    };
  }
  const out: JsonSchema = {};
  for (const [status, r] of Object.entries(all)) {
    const content: JsonSchema = {};
    for (const [type, s] of Object.entries(r.content ?? {}))
      content[type] = s ? { schema: schemaOf(s, 'output') } : {};
    out[status] = { description: r.description, ...(r.content ? { content } : {}) };
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of the app: every route Hono has registered (ALL = middleware, skipped), with
 * its parameters, request body and responses from the zod schemas it was documented with; a route no
 * one documented is still listed, with its path parameters and a bare 200.
 */
export function openApiDocument(
  app: Hono,
  info: { title: string; version: string; serverUrl: string },
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const method = r.method.toLowerCase();
    const doc = documented.get(`${r.method} ${r.path}`);
    const key = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const item = paths[key] ?? {};
    paths[key] = item;
    if (item[method]) continue;
    item[method] = {
      operationId: `${method}${key.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      summary: doc?.summary ?? `${r.method} ${r.path}`,
      tags: [doc?.tag ?? 'other'],
      parameters: parameters(doc, r.path),
      ...(doc?.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(doc.body, 'input') } },
            },
          }
        : {}),
      responses: responses(doc),
      ...(doc?.admin ? { security: [{ adminToken: [] }, { bearer: [] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        adminToken: { type: 'apiKey', in: 'header', name: 'x-admin-token' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
