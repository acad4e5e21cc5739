/**
 * The structural rules of OpenAPI 3.x (https://spec.openapis.org/oas/v3.1.0) that a document must meet,
 * checked by hand beside the JSON Schema validation (test/integration/api-public.test.ts uses @seriousme/openapi-schema-validator), which cannot say all of them: the version field, info, paths that
 * start with `/`, every templated path parameter declared `in: path, required: true`, parameter locations,
 * unique operationIds, responses keyed by status code (or `default`) each with a description, media
 * types with object schemas, and security requirements naming declared schemes. Returns the violations.
 */
export function openApiProblems(doc: unknown): string[] {
  const out: string[] = [];
  const d = doc as Record<string, unknown>;
  if (typeof d.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(d.openapi))
    out.push(`openapi: ${String(d.openapi)}`);
  const info = d.info as Record<string, unknown> | undefined;
  if (typeof info?.title !== 'string' || typeof info?.version !== 'string')
    out.push('info: title and version');
  const schemes = Object.keys(
    ((d.components as Record<string, unknown> | undefined)?.securitySchemes as Record<string, unknown>) ?? {},
  );
  const ids = new Set<string>();
  const paths = d.paths as Record<string, Record<string, Record<string, unknown>>> | undefined;
  if (!paths || typeof paths !== 'object') return [...out, 'paths: missing'];
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/')) out.push(`${path}: must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method))
        out.push(`${where}: not an HTTP method`);
      const id = op.operationId as string | undefined;
      if (id !== undefined) {
        if (ids.has(id)) out.push(`${where}: duplicate operationId ${id}`);
        ids.add(id);
      }
      const params = (op.parameters as Array<Record<string, unknown>> | undefined) ?? [];
      for (const p of params) {
        if (typeof p.name !== 'string') out.push(`${where}: parameter without a name`);
        if (!['query', 'header', 'path', 'cookie'].includes(String(p.in)))
          out.push(`${where}: ${p.name} in ${p.in}`);
        if (p.in === 'path' && p.required !== true)
          out.push(`${where}: path parameter ${p.name} not required`);
        if (!p.schema && !p.content) out.push(`${where}: ${p.name} has neither schema nor content`);
        if (p.in === 'path' && !templated.includes(String(p.name)))
          out.push(`${where}: ${p.name} not in the path`);
      }
      for (const t of templated)
        if (!params.some((p) => p.in === 'path' && p.name === t)) out.push(`${where}: {${t}} not declared`);
      const responses = op.responses as Record<string, Record<string, unknown>> | undefined;
      if (!responses || Object.keys(responses).length === 0) out.push(`${where}: no responses`);
      for (const [status, r] of Object.entries(responses ?? {})) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status)) out.push(`${where}: response key ${status}`);
        if (typeof r.description !== 'string') out.push(`${where} ${status}: no description`);
        for (const [type, media] of Object.entries(
          (r.content as Record<string, Record<string, unknown>>) ?? {},
        )) {
          if (media.schema !== undefined && (typeof media.schema !== 'object' || media.schema === null))
            out.push(`${where} ${status} ${type}: schema is not an object`);
        }
      }
      const body = op.requestBody as Record<string, unknown> | undefined;
      if (body && typeof body.content !== 'object') out.push(`${where}: requestBody without content`);
      for (const req of (op.security as Array<Record<string, unknown>> | undefined) ?? [])
        for (const name of Object.keys(req))
          if (!schemes.includes(name)) out.push(`${where}: unknown scheme ${name}`);
    }
  }
  return out;
}
