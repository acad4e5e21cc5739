import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The alert channels besides e-mail: 企业微信 group robots, 钉钉 custom robots, 飞书 custom bots and a
 * generic webhook signed per the Standard Webhooks spec (docs/alerts.md, "Chat robots and webhooks").
 */
export const RobotChannel = z.enum(['wecom', 'dingtalk', 'feishu', 'webhook']);
export type RobotChannel = z.infer<typeof RobotChannel>;

/** Every channel a subscriber can have: e-mail (the default) or a robot. */
export const Channel = z.enum(['email', ...RobotChannel.options]);
export type Channel = z.infer<typeof Channel>;

/** The platforms' fixed hosts: the only hosts a pasted robot URL may name. */
export const PLATFORM_HOSTS: Record<Exclude<RobotChannel, 'webhook'>, string> = {
  wecom: 'qyapi.weixin.qq.com',
  dingtalk: 'oapi.dingtalk.com',
  feishu: 'open.feishu.cn',
};

/**
 * What is needed to post to one robot. Every field is a secret (whoever holds it can post to the group):
 * kept in the subscriber's profile only, never shown back (the profile's `email` holds `robotLabel`).
 */
export const RobotTarget = z.discriminatedUnion('channel', [
  /** 企业微信: the `key` of …/cgi-bin/webhook/send?key=KEY (the robot has no signing secret). */
  z.object({ channel: z.literal('wecom'), key: z.string().regex(/^[A-Za-z0-9-]{8,64}$/) }),
  /** 钉钉: the `access_token` of …/robot/send and the 加签 secret (`SEC…`). */
  z.object({
    channel: z.literal('dingtalk'),
    accessToken: z.string().regex(/^[A-Za-z0-9]{16,128}$/),
    secret: z.string().regex(/^SEC[A-Za-z0-9]{16,128}$/),
  }),
  /** 飞书: the hook id of …/open-apis/bot/v2/hook/ID and the 签名校验 secret. */
  z.object({
    channel: z.literal('feishu'),
    hookId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    secret: z.string().regex(/^[A-Za-z0-9]{8,128}$/),
  }),
  /** Standard Webhooks: the endpoint and its `whsec_<base64>` secret (24 to 64 bytes of key). */
  z.object({
    channel: z.literal('webhook'),
    url: z.string().max(2048),
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/),
  }),
]);
export type RobotTarget = z.infer<typeof RobotTarget>;

/** A robot as a request names it: the URL its platform gave, and the signing secret when it has one. */
export interface RobotRequest {
  channel: RobotChannel;
  url: string;
  secret?: string | undefined;
}

/**
 * The robot a pasted URL names, or why not (a sentence, never echoing the secret): 企业微信
 * `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`; 钉钉
 * `https://oapi.dingtalk.com/robot/send?access_token=T` with its `SEC…` secret; 飞书
 * `https://open.feishu.cn/open-apis/bot/v2/hook/ID` with its secret; a webhook: an `https://` URL
 * (`http://` only for an `allowedOrigin`, the loopback stand-ins of tests) and a `whsec_…` secret.
 * The platforms' URLs must name their fixed host: posts go to the configured base URL, never elsewhere.
 */
export function parseRobot(
  r: RobotRequest,
  allowedOrigin: (origin: string) => boolean = () => false,
): { ok: true; robot: RobotTarget } | { ok: false; error: string } {
  let u: URL;
  try {
    u = new URL(r.url.trim());
  } catch {
    return { ok: false, error: 'not a URL' };
  }
  const platform = r.channel === 'webhook' ? undefined : PLATFORM_HOSTS[r.channel];
  if (platform && (u.protocol !== 'https:' || u.hostname !== platform || u.port !== '')) {
    return { ok: false, error: `a ${r.channel} robot URL starts with https://${platform}/` };
  }
  const candidate = (() => {
    switch (r.channel) {
      case 'wecom':
        return u.pathname === '/cgi-bin/webhook/send'
          ? { channel: 'wecom', key: u.searchParams.get('key') ?? '' }
          : undefined;
      case 'dingtalk':
        return u.pathname === '/robot/send'
          ? { channel: 'dingtalk', accessToken: u.searchParams.get('access_token') ?? '', secret: r.secret }
          : undefined;
      case 'feishu': {
        const m = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(u.pathname);
        return m ? { channel: 'feishu', hookId: m[1], secret: r.secret } : undefined;
      }
      case 'webhook': {
        const allowed = allowedOrigin(u.origin);
        if (u.protocol !== 'https:' && !allowed) return undefined;
        if (u.username || u.password || u.hash) return undefined;
        return { channel: 'webhook', url: u.href, secret: r.secret };
      }
    }
  })();
  if (!candidate) return { ok: false, error: `not a ${r.channel} robot URL` };
  const parsed = RobotTarget.safeParse(candidate);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'url')))];
    return { ok: false, error: `${r.channel}: malformed or missing ${fields.join(', ')}` };
  }
  return { ok: true, robot: parsed.data };
}

/** The part of a robot that names it (not its signing secret): one subscriber per robot. */
function identity(r: RobotTarget): string {
  switch (r.channel) {
    case 'wecom':
      return r.key;
    case 'dingtalk':
      return r.accessToken;
    case 'feishu':
      return r.hookId;
    case 'webhook':
      return r.url;
  }
}

/**
 * The robot's public name, `wecom:1a2b3c4d5e6f7a8b` (the channel and 64 bits of the sha256 of its key,
 * token, hook id or URL): what the subscriber profile keeps in place of an address, what lists, pages
 * and logs show. It reveals nothing that would let anyone post to the robot.
 */
export function robotLabel(r: RobotTarget): string {
  const h = createHash('sha256')
    .update(`${r.channel}|${identity(r)}`)
    .digest('hex')
    .slice(0, 16);
  return `${r.channel}:${h}`;
}

/** True for a subscriber name made by robotLabel (never an e-mail address: it has no `@`). */
export const isRobotLabel = (name: string): boolean =>
  /^(wecom|dingtalk|feishu|webhook):[0-9a-f]{16}$/.test(name);

/** Chinese names of the channels, for messages and pages. */
export const CHANNEL_NAMES: Record<Channel, string> = {
  email: '电子邮件',
  wecom: '企业微信群机器人',
  dingtalk: '钉钉群机器人',
  feishu: '飞书群机器人',
  webhook: 'Webhook',
};
