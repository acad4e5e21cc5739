import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { neutralise, renderRobotAlert, toMarkdown } from '#shared/channels/render.ts';
import { isRobotLabel, parseRobot, robotLabel } from '#shared/channels/robot.ts';
import { classify } from '#shared/channels/send.ts';
import { dingtalkSign, feishuSign, standardWebhookSignature } from '#shared/channels/sign.ts';
import type { Body } from '#shared/domain/body.ts';

const BODY: Body = {
  id: '360802',
  name: '吉州区人民政府',
  level: 'district',
  divisionCode: '360802',
  parents: [
    { code: '36', name: '江西省' },
    { code: '3608', name: '吉安市' },
  ],
  listingUrl: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/index.html',
  render: 'auto',
};

describe('neutralise: report text inert for every robot platform', () => {
  it.each([
    ['[点我](http://evil.example/x)', /\]\(|http:\/\//],
    ['<@all> <@zhangsan>', /<@/],
    ['<at user_id="all">所有人</at>', /<at/],
    ['@所有人 @13800000000', /@/],
    ['第一行\n# 标题\n> 引用', /\n|^#|> /],
    ['**粗体** `代码` <font color="warning">红</font>', /\*\*|`|<font/],
    ['see www.evil.example now', /www\.evil/],
  ])('%s', (input, forbidden) => {
    const out = neutralise(input);
    expect(out).not.toMatch(forbidden);
    expect(out.length).toBeGreaterThan(0);
  });

  it('keeps Chinese text and cuts at the bound', () => {
    expect(neutralise('逾期未发布年度报告')).toBe('逾期未发布年度报告');
    expect([...neutralise('字'.repeat(1000), 50)]).toHaveLength(50);
  });
});

describe('toMarkdown', () => {
  it('stays within 4096 UTF-8 bytes for a huge finding and keeps the links whole', () => {
    const alert = {
      alertId: 'a',
      rule: 'deadline.missing',
      bodyId: '360802',
      year: 2025,
      audience: 'subscribers' as const,
      createdAt: '2026-01-01T00:00:00Z',
      finding: {
        rule: 'deadline.missing',
        severity: 'error' as const,
        message: { zh: '很长的说明'.repeat(2000), en: 'long '.repeat(2000) },
        evidence: [],
      },
    };
    const md = toMarkdown(
      renderRobotAlert(alert, BODY, {
        evidenceUrl: 'https://alerts.example.org/evidence/x',
        unsubscribeUrl: 'https://alerts.example.org/unsubscribe?t=abc',
      }),
      4096,
    );
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(4096);
    expect(md).toContain('[退订 Unsubscribe](https://alerts.example.org/unsubscribe?t=abc)');
    expect(md).toContain('[查看证据 Evidence](https://alerts.example.org/evidence/x)');
  });
});

describe('parseRobot', () => {
  it('takes the platforms’ URLs on their fixed hosts only, and never repeats a secret in its error', () => {
    const wecom = parseRobot({
      channel: 'wecom',
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4',
    });
    expect(wecom).toEqual({ ok: true, robot: { channel: 'wecom', key: '693a91f6-7aaa-4bc4' } });
    const other = parseRobot({
      channel: 'wecom',
      url: 'https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=693a91f6',
    });
    expect(other.ok).toBe(false);
    const secret = 'SECnot-valid!!';
    const ding = parseRobot({
      channel: 'dingtalk',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=a1b2c3d4e5f60718293a4b5c',
      secret,
    });
    expect(ding.ok).toBe(false);
    if (!ding.ok) {
      expect(ding.error).not.toContain(secret);
      expect(ding.error).toContain('secret');
    }
    expect(
      parseRobot({ channel: 'webhook', url: 'http://hooks.example.org/x', secret: `whsec_${'A'.repeat(44)}` })
        .ok,
    ).toBe(false);
    expect(
      parseRobot({
        channel: 'webhook',
        url: 'https://hooks.example.org/x',
        secret: `whsec_${'A'.repeat(44)}`,
      }).ok,
    ).toBe(true);
  });

  it('names a robot by a label that holds no part of its key', () => {
    const r = parseRobot({
      channel: 'feishu',
      url: 'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e',
      secret: 'abcdefgh1234',
    });
    if (!r.ok) throw new Error(r.error);
    const label = robotLabel(r.robot);
    expect(isRobotLabel(label)).toBe(true);
    expect(label).not.toContain('5e3d587e');
  });
});

describe('signatures, as the platforms check them', () => {
  it('钉钉: HMAC-SHA256 keyed with the secret over timestamp\\nsecret; a wrong secret does not verify', () => {
    const ts = 1_700_000_000_000;
    const want = createHmac('sha256', 'SECright').update(`${ts}\nSECright`).digest('base64');
    expect(dingtalkSign('SECright', ts)).toBe(want);
    expect(dingtalkSign('SECwrong', ts)).not.toBe(want);
  });
  it('飞书: HMAC-SHA256 keyed with timestamp\\nsecret over the empty string', () => {
    const want = createHmac('sha256', '1700000000\nsecret1').update('').digest('base64');
    expect(feishuSign('secret1', 1_700_000_000)).toBe(want);
    expect(feishuSign('secret2', 1_700_000_000)).not.toBe(want);
  });
  it('Standard Webhooks: v1, base64 HMAC-SHA256 with the decoded whsec_ key over id.timestamp.body', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const secret = `whsec_${key.toString('base64')}`;
    const want = createHmac('sha256', key).update('msg_1.1700000000.{"a":1}').digest('base64');
    expect(standardWebhookSignature(secret, 'msg_1', 1_700_000_000, '{"a":1}')).toBe(`v1,${want}`);
  });
});

describe('classify: the platforms’ answers', () => {
  it.each([
    ['wecom', 200, '{"errcode":0,"errmsg":"ok"}', 'sent'],
    ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', 'limited'],
    ['wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', 'invalid'],
    ['dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast"}', 'limited'],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', 'invalid'],
    ['feishu', 200, '{"code":11232,"msg":"frequency limited"}', 'limited'],
    ['feishu', 200, '{"code":19021,"msg":"sign match fail"}', 'invalid'],
    ['feishu', 200, '{"code":9499,"msg":"Bad Request"}', 'refused'],
    ['webhook', 204, '', 'sent'],
    ['webhook', 429, '', 'limited'],
    ['webhook', 410, '', 'invalid'],
    ['webhook', 400, '', 'refused'],
  ] as const)('%s %i %s → %s', (channel, status, text, outcome) => {
    expect(classify(channel, status, text).status).toBe(outcome);
  });
  it('throws a passing error on a 5xx', () => {
    expect(() => classify('wecom', 502, '')).toThrow(/HTTP 502/);
  });
});
