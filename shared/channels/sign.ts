import { createHmac } from 'node:crypto';

/**
 * The platforms' request signatures, pure. Sources: 钉钉 自定义机器人安全设置 (加签), 飞书 自定义机器人使用指南
 * (签名校验), the Standard Webhooks specification (standardwebhooks.com, "Signature scheme"); see
 * docs/alerts.md.
 */

/**
 * 钉钉 加签: base64 of HMAC-SHA256 keyed with the secret over `${timestampMs}\n${secret}`. The caller puts it
 * in the `sign` query parameter URL-encoded (URLSearchParams does), beside `timestamp` (ms); the platform
 * refuses a timestamp more than an hour from its clock.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/**
 * 飞书 签名校验: base64 of HMAC-SHA256 keyed with `${timestampSeconds}\n${secret}` over the empty string,
 * sent in the body as `sign` beside `timestamp` (seconds, a string); refused an hour off.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** The HMAC key of a Standard Webhooks secret: the base64 after `whsec_` decoded. */
export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/**
 * Standard Webhooks `webhook-signature` value: `v1,` + base64 of HMAC-SHA256 keyed with the decoded
 * secret over `${msgId}.${timestampSeconds}.${body}` (the exact bytes sent).
 */
export function standardWebhookSignature(
  secret: string,
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  const mac = createHmac('sha256', standardWebhookKey(secret))
    .update(`${msgId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}
