import { evidenceUrl } from '../alerts/evidence-url.ts';
import { LinkSigner } from '../alerts/links.ts';
import { type RateLimit, takeRate } from '../alerts/rate-limit.ts';
import type { Body } from '../domain/body.ts';
import type { StageContext } from '../stages/context.ts';
import { raiseAlert } from '../stages/raise-alert.ts';
import type { AlertRecord } from '../store/records.ts';
import type { Recipient } from '../store/subscribers.ts';
import { type RobotMessage, renderRobotAlert } from './render.ts';
import type { RobotChannel, RobotTarget } from './robot.ts';
import type { RobotOutcome } from './send.ts';

/**
 * Client-side limits per robot, under the platforms' own (企业微信 and 钉钉: 20 messages a minute per
 * robot; 飞书: 100 a minute and 5 a second; a webhook: 60 a minute, our courtesy). Counted in the table
 * (alerts/rate-limit.ts), so they hold across Lambda containers.
 */
export const ROBOT_LIMITS: Record<RobotChannel, readonly RateLimit[]> = {
  wecom: [{ max: 20, windowSeconds: 60 }],
  dingtalk: [{ max: 20, windowSeconds: 60 }],
  feishu: [
    { max: 5, windowSeconds: 1 },
    { max: 100, windowSeconds: 60 },
  ],
  webhook: [{ max: 60, windowSeconds: 60 }],
};

/**
 * Takes one message from each of the robot's limits (`robot#<label>#<window>`): false when any is spent,
 * and then nothing may be posted now.
 */
export async function takeRobotRate(
  ctx: StageContext,
  label: string,
  channel: RobotChannel,
): Promise<boolean> {
  for (const limit of ROBOT_LIMITS[channel]) {
    const name = `robot#${label}#${limit.windowSeconds}`;
    if (!(await takeRate(ctx.repo.db, ctx.repo.table, name, limit, ctx.now()))) return false;
  }
  return true;
}

/** The fixed id every attempt of one delivery carries (a webhook's `webhook-id`): `msg_` + the Message-ID's hex. */
export const robotMessageId = (messageId: string): string => `msg_${messageId.replace(/^<|@.*$/g, '')}`;

/**
 * Posts a message to a robot within its client-side limit: `limited` (not posted) when the limit is
 * spent, else the platform's outcome (channels/send.ts). Throws RobotPassingError on a passing failure.
 */
export async function postWithinLimit(
  ctx: StageContext,
  label: string,
  robot: RobotTarget,
  message: RobotMessage,
  messageId: string,
): Promise<RobotOutcome> {
  if (!ctx.robots) throw new Error('robot channels are not configured in this runtime');
  if (!(await takeRobotRate(ctx, label, robot.channel))) {
    return { status: 'limited', reason: `${robot.channel}: client-side limit reached` };
  }
  return ctx.robots.post(robot, message, robotMessageId(messageId), ctx.now());
}

/** One alert to one confirmed robot subscriber: rendered with its own unsubscribe link and posted. */
export async function postAlertToRobot(
  ctx: StageContext,
  alert: AlertRecord,
  body: Body,
  r: Recipient & { robot: RobotTarget },
  messageId: string,
): Promise<RobotOutcome> {
  const signer = new LinkSigner(ctx.repo.db, ctx.repo.table, ctx.publicUrl);
  const links = await signer.forRecipient(r, r.matchedScopes, ctx.now());
  const message = renderRobotAlert(alert, body, {
    evidenceUrl: evidenceUrl(ctx.publicUrl, alert),
    unsubscribeUrl: links.unsubscribeAll,
    manageUrl: links.manage,
  });
  return postWithinLimit(ctx, r.email, r.robot, message, messageId);
}

/**
 * Tells the admins, once per robot (`robot.invalid/<label>`; the conditional put dedups), that a robot
 * refused us for good and its subscription was suppressed. Names the robot by its label only.
 */
export async function tellAdminsRobotInvalid(
  ctx: StageContext,
  failed: AlertRecord,
  label: string,
  reason: string,
): Promise<void> {
  await raiseAlert(ctx, {
    alertId: `robot.invalid/${label}`,
    audience: 'admins',
    bodyId: failed.bodyId,
    year: failed.year,
    finding: {
      rule: 'robot.invalid',
      severity: 'warning',
      message: {
        zh: `机器人 ${label} 拒绝接收提醒(${reason}),已停用该订阅;对方需重新订阅。`,
        en: `Robot ${label} refused alerts for good (${reason}); its subscription is suppressed until it subscribes again.`,
      },
      evidence: [{ quote: reason, where: label }],
    },
  });
}

/**
 * Tells the admins once a UTC day (`robot.refused/<date>`) that a platform refused a message for a reason
 * that is not the robot's (an unknown error code, a 4xx): the alert waits for the redrive.
 */
export async function tellAdminsRobotRefused(
  ctx: StageContext,
  failed: AlertRecord,
  reason: string,
): Promise<void> {
  const date = ctx.now().toISOString().slice(0, 10);
  await raiseAlert(ctx, {
    alertId: `robot.refused/${date}`,
    audience: 'admins',
    bodyId: failed.bodyId,
    year: failed.year,
    finding: {
      rule: 'robot.refused',
      severity: 'warning',
      message: {
        zh: `机器人平台拒绝了提醒 ${failed.alertId}(${reason});未停用任何订阅,将在下次重发时再试。`,
        en: `A robot platform refused alert ${failed.alertId} (${reason}); nothing was suppressed, the redrive will try again.`,
      },
      evidence: [{ quote: reason, where: 'robot' }],
    },
  });
}
