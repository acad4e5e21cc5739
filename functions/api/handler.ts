import { handle } from 'hono/aws-lambda';
import { z } from 'zod';
import { createApp } from '#shared/api/app.ts';
import { buildAwsContext } from '#shared/aws/context.ts';
import { ConfigError } from '#shared/errors.ts';

/** Set by infra/constructs/api.ts from a generated secret; without it /admin/* refuses everything. */
const ApiEnv = z.object({
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
});

function adminToken(): string | undefined {
  const parsed = ApiEnv.safeParse(process.env);
  if (!parsed.success)
    throw new ConfigError(`invalid Lambda environment: ${parsed.error.issues[0]?.message}`);
  return parsed.data.ADMIN_TOKEN;
}

let adapted: ReturnType<typeof handle> | undefined;

/** API Gateway HTTP API (payload v2) → the Hono app (shared/api/app.ts); built once per cold start. */
export const handler: ReturnType<typeof handle> = (event, context) => {
  adapted ??= handle(createApp(buildAwsContext(), { adminToken: adminToken() }));
  return adapted(event, context);
};
