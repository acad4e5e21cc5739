import { Agent, buildConnector, request } from 'undici';
import { findUnsafeAddress, TargetGuard } from '../crawl/ssrf.ts';
import { UnsafeTargetError } from '../errors.ts';
import { type RobotMessage, toFeishuPost, toMarkdown, toPlainText } from './render.ts';
import type { RobotChannel, RobotTarget } from './robot.ts';
import { dingtalkSign, feishuSign, standardWebhookSignature } from './sign.ts';

/**
 * What one post to a robot came to:
 * - `sent`: the platform took it;
 * - `limited`: the platform answered its over-limit error (企业微信 45009, 钉钉 130101, 飞书 11232 or
 *   HTTP 429): not sent, to be posted again later;
 * - `invalid`: the robot is gone or refuses us for good (企业微信 93000 invalid webhook url, 钉钉 300001 /
 *   310000, 飞书 19001 / 19021 / 19022 / 19024, a webhook answering 410, or a target the SSRF guard
 *   refuses): like a hard bounce;
 * - `refused`: the platform refused this message for another reason (a 4xx, another error code): not
 *   the robot's fault as far as we know; left for the redrive.
 * A passing failure (network, timeout, 5xx) is thrown as RobotPassingError.
 */
export type RobotOutcome =
  | { status: 'sent' }
  | { status: 'limited'; reason: string }
  | { status: 'invalid'; reason: string }
  | { status: 'refused'; reason: string };

/** A failure worth retrying soon (network, timeout, 5xx). Its message never carries the robot's URL. */
export class RobotPassingError extends Error {
  readonly retryable = true;
}

export interface RobotSenderOptions {
  /** Base URLs of the platforms (NIANBAO_WECOM_URL, …): the fixed hosts, or loopback stand-ins in tests. */
  baseUrls: Record<Exclude<RobotChannel, 'webhook'>, string>;
  /** Origins that may be private (loopback stand-ins): NIANBAO_ALLOW_PRIVATE_ORIGINS. */
  allowPrivateOrigins: readonly string[];
  timeoutMs: number;
  userAgent: string;
}

/** Error codes per platform (their documentation; docs/alerts.md lists them). */
const LIMITED: Record<RobotChannel, ReadonlySet<number>> = {
  wecom: new Set([45009]),
  dingtalk: new Set([130101]),
  feishu: new Set([11232, 99991400]),
  webhook: new Set(),
};
const INVALID: Record<RobotChannel, ReadonlySet<number>> = {
  wecom: new Set([93000]),
  dingtalk: new Set([300001, 300005, 310000]),
  feishu: new Set([19001, 19021, 19022, 19024]),
  webhook: new Set(),
};

/**
 * Posts messages to robots. Only to the platforms' configured base URLs, or for a webhook to its own
 * URL, every connection through the SSRF guard (names judged on the addresses they resolve to at
 * connection time, IP literals before; no redirects followed). Nothing here logs or throws the URL, key,
 * token or secret.
 */
export class RobotSender {
  private readonly guard: TargetGuard;
  private readonly dispatcher: Agent;

  constructor(private readonly o: RobotSenderOptions) {
    this.guard = new TargetGuard({ allowPrivateOrigins: o.allowPrivateOrigins });
    const guarded = buildConnector({ lookup: this.guard.lookup });
    const plain = buildConnector({});
    this.dispatcher = new Agent({
      keepAliveTimeout: 4_000,
      connect: (opts, callback) =>
        (this.guard.allows(`${opts.protocol}//${opts.host ?? opts.hostname}`) ? plain : guarded)(
          opts,
          callback,
        ),
    });
  }

  /**
   * Posts `message` to `robot`, signed with `now` (钉钉 ms, 飞书 and webhooks seconds). `messageId` is the
   * delivery's fixed id: a webhook's `webhook-id`, the same on every attempt so a receiver can drop a
   * repeat.
   */
  async post(robot: RobotTarget, message: RobotMessage, messageId: string, now: Date): Promise<RobotOutcome> {
    const { url, body, headers } = this.build(robot, message, messageId, now);
    try {
      this.guard.assertLiteral(url);
    } catch (error) {
      if (error instanceof UnsafeTargetError)
        return {
          status: 'invalid',
          reason: `unsafe target (${error.message.replace(/https?:\/\/\S+/g, '<url>')})`,
        };
      throw error;
    }
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': this.o.userAgent,
          ...headers,
        },
        body,
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
      });
      status = res.statusCode;
      // A webhook is judged by its status alone: its body (any size, anyone's) is not read.
      if (robot.channel === 'webhook') {
        await res.body.dump();
        text = '';
      } else text = await res.body.text();
    } catch (error) {
      const unsafe = findUnsafeAddress(error);
      if (unsafe) return { status: 'invalid', reason: `unsafe target: resolves to ${unsafe.reason}` };
      const code = (error as { code?: string }).code ?? (error as Error).name;
      throw new RobotPassingError(`${robot.channel}: post failed (${code})`);
    }
    return classify(robot.channel, status, text);
  }

  /** True when `origin` is one of the private origins allowed (a loopback stand-in). */
  allowsOrigin(origin: string): boolean {
    return this.guard.allows(`${origin}/`);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private build(
    robot: RobotTarget,
    m: RobotMessage,
    messageId: string,
    now: Date,
  ): { url: string; body: string; headers: Record<string, string> } {
    const base = (c: Exclude<RobotChannel, 'webhook'>) => this.o.baseUrls[c].replace(/\/+$/, '');
    const seconds = Math.floor(now.getTime() / 1000);
    switch (robot.channel) {
      case 'wecom': {
        const url = new URL(`${base('wecom')}/cgi-bin/webhook/send`);
        url.searchParams.set('key', robot.key);
        const body = { msgtype: 'markdown', markdown: { content: toMarkdown(m, 4096) } };
        return { url: url.href, body: JSON.stringify(body), headers: {} };
      }
      case 'dingtalk': {
        const url = new URL(`${base('dingtalk')}/robot/send`);
        const ms = now.getTime();
        url.searchParams.set('access_token', robot.accessToken);
        url.searchParams.set('timestamp', String(ms));
        url.searchParams.set('sign', dingtalkSign(robot.secret, ms));
        const body = {
          msgtype: 'markdown',
          markdown: { title: m.title, text: toMarkdown(m, 4096) },
          at: { isAtAll: false },
        };
        return { url: url.href, body: JSON.stringify(body), headers: {} };
      }
      case 'feishu': {
        const url = `${base('feishu')}/open-apis/bot/v2/hook/${encodeURIComponent(robot.hookId)}`;
        const body = {
          timestamp: String(seconds),
          sign: feishuSign(robot.secret, seconds),
          msg_type: 'post',
          content: toFeishuPost(m),
        };
        return { url, body: JSON.stringify(body), headers: {} };
      }
      case 'webhook': {
        const body = JSON.stringify({
          type: 'nianbao.alert',
          timestamp: now.toISOString(),
          data: { title: m.title, text: toPlainText(m), links: m.lines.filter((l) => 'href' in l) },
        });
        return {
          url: robot.url,
          body,
          headers: {
            'webhook-id': messageId,
            'webhook-timestamp': String(seconds),
            'webhook-signature': standardWebhookSignature(robot.secret, messageId, seconds, body),
          },
        };
      }
    }
  }
}

/** The platform's answer as an outcome (pure; the codes above). */
export function classify(channel: RobotChannel, status: number, text: string): RobotOutcome {
  if (status >= 500) throw new RobotPassingError(`${channel}: HTTP ${status}`);
  if (status === 429) return { status: 'limited', reason: `${channel}: HTTP 429` };
  if (channel === 'webhook') {
    if (status >= 200 && status < 300) return { status: 'sent' };
    if (status === 410) return { status: 'invalid', reason: 'webhook: HTTP 410 Gone' };
    return { status: 'refused', reason: `webhook: HTTP ${status}` };
  }
  let answer: { errcode?: unknown; code?: unknown; errmsg?: unknown; msg?: unknown } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return { status: 'refused', reason: `${channel}: HTTP ${status}, not a JSON answer` };
  }
  const code = Number(answer.errcode ?? answer.code ?? Number.NaN);
  const said = String(answer.errmsg ?? answer.msg ?? '').slice(0, 120);
  const reason = `${channel}: ${code} ${said}`.trim();
  if (code === 0 && status >= 200 && status < 300) return { status: 'sent' };
  if (LIMITED[channel].has(code)) return { status: 'limited', reason };
  if (INVALID[channel].has(code)) return { status: 'invalid', reason };
  return { status: 'refused', reason: Number.isNaN(code) ? `${channel}: HTTP ${status}` : reason };
}
