import { handle } from 'hono/aws-lambda';
import { createApp } from '#shared/api/app.ts';
import { awsAdminOptions } from '#shared/aws/admin-access.ts';
import { awsConfig, buildAwsContext } from '#shared/aws/context.ts';
import { secretReader } from '#shared/aws/secrets.ts';
import type { StageContext } from '#shared/stages/context.ts';

let adapted: { ctx: StageContext; handle: ReturnType<typeof handle> } | undefined;

/**
 * API Gateway HTTP API (payload v2) → the Hono app (shared/api/app.ts); built once per cold start. The
 * admin token is read from Secrets Manager at request time (cached 5 minutes), never from the
 * environment, so rotating it needs no deploy; NIANBAO_ADMIN_TOKEN is for the stand-in tests only.
 * The admin routes' dead letters are the SQS dead-letter queues of the queues this function is given, and
 * registry entries are written to the S3 registry object (shared/aws/admin-access.ts).
 */
export const handler: ReturnType<typeof handle> = async (event, context) => {
  // The registry may have been refreshed from S3 (a new context): the app is rebuilt over it.
  const ctx = await buildAwsContext();
  if (adapted?.ctx !== ctx) {
    const config = awsConfig();
    const arn = config.NIANBAO_ADMIN_TOKEN_SECRET_ARN;
    const adminToken = arn ? secretReader(arn, { region: config.AWS_REGION }) : config.NIANBAO_ADMIN_TOKEN;
    const admin = awsAdminOptions(config, ctx.registry);
    adapted = {
      ctx,
      handle: handle(createApp(ctx, { adminToken, publicUrl: config.NIANBAO_PUBLIC_URL, ...admin })),
    };
  }
  return adapted.handle(event, context);
};
