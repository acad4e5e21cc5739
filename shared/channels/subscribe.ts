import { randomBytes } from 'node:crypto';
import { CONFIRM_PER_ADDRESS, takeRate } from '../alerts/rate-limit.ts';
import type { AlertKind } from '../alerts/scopes.ts';
import { describeFilters } from '../alerts/scopes.ts';
import type { Severity } from '../domain/finding.ts';
import type { StageContext } from '../stages/context.ts';
import { CONFIRM_TTL_MS, emailHash } from '../store/subscribers.ts';
import { postWithinLimit } from './deliver.ts';
import { renderRobotConfirmation } from './render.ts';
import { parseRobot, type RobotChannel, robotLabel } from './robot.ts';

export interface RobotSubscriptionRequest {
  channel: RobotChannel;
  robotUrl?: string | undefined;
  robotSecret?: string | undefined;
  scopes: string[];
  kinds?: AlertKind[] | undefined;
  minSeverity?: Severity | undefined;
}

/**
 * The robot half of `POST /subscriptions`, double opt-in like an address: the change is kept pending
 * (the robot's key and secret with it: the stored robot changes only on confirmation) and a message with
 * the confirmation link is posted TO the robot, so only someone in its group can confirm; nothing else is
 * posted before that. `{ ok: false }` only for a URL or secret that is malformed (never echoed); every
 * other case (known, suppressed, over the per-robot limit of confirmations, refused by the platform)
 * is `{ ok: true }`, so the answer tells nobody who subscribes. A message that could not be posted
 * leaves nothing pending. Throws what a passing failure throws (the caller answers 500).
 */
export async function requestRobotSubscription(
  ctx: StageContext,
  req: RobotSubscriptionRequest,
  o: { base: string; scopeName: (scope: string) => string },
): Promise<{ ok: true } | { ok: false; error: string }> {
  const parsed = parseRobot(
    { channel: req.channel, url: req.robotUrl ?? '', secret: req.robotSecret },
    (origin) => ctx.robots?.allowsOrigin(origin) ?? false,
  );
  if (!parsed.ok) return parsed;
  const robot = parsed.robot;
  const label = robotLabel(robot);
  const hash = emailHash(label);
  const now = ctx.now();
  if ((await ctx.subscribers.get(hash))?.suppressed) return { ok: true };
  if (!(await takeRate(ctx.repo.db, ctx.repo.table, `confirm#${hash}`, CONFIRM_PER_ADDRESS, now))) {
    return { ok: true };
  }
  const token = await ctx.subscribers.requestChange(
    label,
    {
      scopes: req.scopes,
      digest: 'immediate',
      robot,
      ...(req.kinds ? { kinds: req.kinds } : {}),
      ...(req.minSeverity ? { minSeverity: req.minSeverity } : {}),
    },
    now,
  );
  const message = renderRobotConfirmation({
    scopeNames: req.scopes.map(o.scopeName),
    filters: describeFilters(req),
    link: `${o.base}/subscriptions/confirm?e=${hash}&t=${token}`,
    validHours: CONFIRM_TTL_MS / 3_600_000,
  });
  let posted: Awaited<ReturnType<typeof postWithinLimit>>;
  try {
    posted = await postWithinLimit(
      ctx,
      label,
      robot,
      message,
      `<${randomBytes(16).toString('hex')}@confirm>`,
    );
  } catch (error) {
    await ctx.subscribers.withdrawChange(hash, token);
    throw error;
  }
  if (posted.status !== 'sent') {
    // Not posted: no confirmation can come, so no pending request stays. Logged by label only.
    await ctx.subscribers.withdrawChange(hash, token);
    ctx.log('robot confirmation not posted', { stage: 'api', robot: label, reason: posted.reason });
  }
  return { ok: true };
}
