import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Loopback stand-ins of the robot platforms, each checking a post the way its platform documents it,
 * written here independently of shared/channels (a shared mistake would otherwise pass):
 * - 企业微信 `POST /cgi-bin/webhook/send?key=`: known key (else 93000), markdown content ≤ 4096 bytes,
 *   20 messages a minute per robot (else 45009);
 * - 钉钉 `POST /robot/send?access_token=&timestamp=&sign=`: known token (else 300001), timestamp within an
 *   hour and sign = base64 HMAC-SHA256(secret, `${timestamp}\n${secret}`) (else 310000), 20 a minute
 *   (else 130101);
 * - 飞书 `POST /open-apis/bot/v2/hook/<id>`: known id (else 19001), body sign = base64
 *   HMAC-SHA256(key `${timestamp}\n${secret}`, "") within an hour (else 19021), 5 a second and 100 a
 *   minute (else 11232);
 * - a Standard Webhooks endpoint `POST /hooks/<name>`: webhook-id/-timestamp/-signature checked against
 *   the `whsec_` secret, 5 minutes' tolerance (else 401).
 * Time is the test's clock. Only accepted messages are kept.
 */
export interface Received {
  channel: 'wecom' | 'dingtalk' | 'feishu' | 'webhook';
  robot: string;
  /** The message's readable text (markdown, post text joined, or the webhook's JSON). */
  text: string;
  headers: IncomingMessage['headers'];
  at: number;
}

export class RobotReceivers {
  readonly accepted: Received[] = [];
  /** Every answer given that was not a success, with its code. */
  readonly refusals: Array<{ robot: string; code: number }> = [];
  private readonly wecom = new Set<string>();
  private readonly dingtalk = new Map<string, string>();
  private readonly feishu = new Map<string, string>();
  private readonly hooks = new Map<string, string>();
  /** Posts counted against each robot's limit (time in ms), including ones from "other programs". */
  private readonly counted = new Map<string, number[]>();
  private server?: Server;
  origin = '';

  constructor(private readonly now: () => number) {}

  addWecom(key: string): void {
    this.wecom.add(key);
  }
  addDingtalk(token: string, secret: string): void {
    this.dingtalk.set(token, secret);
  }
  addFeishu(hookId: string, secret: string): void {
    this.feishu.set(hookId, secret);
  }
  addHook(name: string, secret: string): void {
    this.hooks.set(name, secret);
  }
  /** Another program posted `n` messages to the robot just now: they count against its limit. */
  usedElsewhere(robot: string, n: number): void {
    this.counted.set(robot, [...(this.counted.get(robot) ?? []), ...Array(n).fill(this.now())]);
  }
  for(robot: string): Received[] {
    return this.accepted.filter((r) => r.robot === robot);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const answer = this.handle(req, raw);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** True (and counted) when the robot has room under every limit. */
  private take(robot: string, limits: Array<[number, number]>): boolean {
    const now = this.now();
    const times = (this.counted.get(robot) ?? []).filter((t) => t > now - 60_000);
    for (const [max, ms] of limits) if (times.filter((t) => t > now - ms).length >= max) return false;
    this.counted.set(robot, [...times, now]);
    return true;
  }

  private handle(req: IncomingMessage, raw: string): { status: number; body: unknown } {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (() => {
      try {
        return JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return {};
      }
    })();
    const refuse = (robot: string, code: number, status = 200, field = 'errcode') => {
      this.refusals.push({ robot, code });
      return { status, body: { [field]: code, [field === 'errcode' ? 'errmsg' : 'msg']: 'refused' } };
    };
    const accept = (r: Omit<Received, 'headers' | 'at'>, field = 'errcode') => {
      this.accepted.push({ ...r, headers: req.headers, at: this.now() });
      return { status: 200, body: { [field]: 0, [field === 'errcode' ? 'errmsg' : 'msg']: 'ok' } };
    };
    if (req.method === 'POST' && url.pathname === '/cgi-bin/webhook/send') {
      const key = url.searchParams.get('key') ?? '';
      if (!this.wecom.has(key)) return refuse(key, 93000);
      const content = (json.markdown as { content?: string } | undefined)?.content ?? '';
      if (json.msgtype !== 'markdown' || !content || Buffer.byteLength(content) > 4096)
        return refuse(key, 40058);
      if (!this.take(key, [[20, 60_000]])) return refuse(key, 45009);
      return accept({ channel: 'wecom', robot: key, text: content });
    }
    if (req.method === 'POST' && url.pathname === '/robot/send') {
      const token = url.searchParams.get('access_token') ?? '';
      const secret = this.dingtalk.get(token);
      if (!secret) return refuse(token, 300001);
      const ts = Number(url.searchParams.get('timestamp'));
      const want = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
      if (Math.abs(this.now() - ts) > 3_600_000 || !same(want, url.searchParams.get('sign') ?? ''))
        return refuse(token, 310000);
      if (!this.take(token, [[20, 60_000]])) return refuse(token, 130101);
      const md = json.markdown as { title?: string; text?: string } | undefined;
      return accept({ channel: 'dingtalk', robot: token, text: `${md?.title}\n${md?.text}` });
    }
    const hook = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === 'POST' && hook) {
      const secret = this.feishu.get(hook);
      if (!secret) return refuse(hook, 19001, 200, 'code');
      const ts = Number(json.timestamp);
      const want = createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');
      if (Math.abs(this.now() / 1000 - ts) > 3600 || !same(want, String(json.sign ?? '')))
        return refuse(hook, 19021, 200, 'code');
      if (
        !this.take(hook, [
          [5, 1_000],
          [100, 60_000],
        ])
      )
        return refuse(hook, 11232, 200, 'code');
      const post = (
        json.content as {
          post?: { zh_cn?: { title: string; content: Array<Array<{ text: string; href?: string }>> } };
        }
      )?.post?.zh_cn;
      const text = [
        post?.title,
        ...(post?.content ?? []).map((p) => p.map((t) => (t.href ? `${t.text} ${t.href}` : t.text)).join('')),
      ].join('\n');
      return accept({ channel: 'feishu', robot: hook, text }, 'code');
    }
    const name = /^\/hooks\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === 'POST' && name && this.hooks.has(name)) {
      const key = Buffer.from((this.hooks.get(name) ?? '').replace(/^whsec_/, ''), 'base64');
      const id = String(req.headers['webhook-id'] ?? '');
      const ts = String(req.headers['webhook-timestamp'] ?? '');
      const want = createHmac('sha256', key).update(`${id}.${ts}.${raw}`).digest('base64');
      const given = String(req.headers['webhook-signature'] ?? '')
        .split(' ')
        .map((s) => s.replace(/^v1,/, ''));
      if (!id || Math.abs(this.now() / 1000 - Number(ts)) > 300 || !given.some((g) => same(want, g))) {
        this.refusals.push({ robot: name, code: 401 });
        return { status: 401, body: { error: 'bad signature' } };
      }
      return accept({ channel: 'webhook', robot: name, text: raw });
    }
    return { status: 404, body: { error: 'not found' } };
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
