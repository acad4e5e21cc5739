import { handle } from 'hono/aws-lambda';
import { z } from 'zod';
import { createApp } from '#shared/api/app.ts';
import { buildAwsContext } from '#shared/aws/context.ts';

const ApiEnv = z.object({ ADMIN_TOKEN: z.string().min(16).optional() });

let adapted: ReturnType<typeof handle> | undefined;

/** API Gateway HTTP API (payload v2) → the Hono app; built once per cold start. */
export const handler: ReturnType<typeof handle> = (event, context) => {
  adapted ??= handle(createApp(buildAwsContext(), { adminToken: ApiEnv.parse(process.env).ADMIN_TOKEN }));
  return adapted(event, context);
};
