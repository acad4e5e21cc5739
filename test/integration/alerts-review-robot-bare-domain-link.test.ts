import { describe, expect, it } from 'vitest';
import { neutralise, renderRobotAlert, toFeishuPost, toMarkdown } from '#shared/channels/render.ts';

/**
 * docs/alerts.md: "No link … can be injected; the only links are the ones we build." spam.injection quotes
 * the injected span with its ASCII run (`体育365网投_365bet365用址…`), so the gambling site's bare domain
 * reaches the robot message verbatim. 企业微信, 钉钉 and 飞书 clients all turn a bare `host.tld/path` into a
 * clickable link: the group gets a one-tap link to the gambling site, signed with our robot's name.
 */
const BARE = /\b[a-z0-9-]+\.(com|cn|net|cc|vip|top)\b/i;

describe('hostile report text: bare domains are not defanged', () => {
  it('neutralise leaves bet365.com / am8.cc/reg clickable', () => {
    for (const s of ['澳门赌场 bet365.com 注册送彩金', '点击 am8.cc/reg?x=1 提现', '皇冠体育//hg0088.com']) {
      const out = neutralise(s);
      expect(out, `neutralise(${JSON.stringify(s)}) = ${out}`).not.toMatch(BARE);
    }
  });

  it('a spam.injection finding reaches the 企业微信/钉钉 Markdown and the 飞书 post with the domain intact', () => {
    const msg = renderRobotAlert(
      {
        alertId: 'spam.injection/2112/2017',
        rule: 'spam.injection',
        bodyId: '2112',
        year: 2017,
        audience: 'subscribers',
        createdAt: '2026-11-30T00:00:00Z',
        finding: {
          rule: 'spam.injection',
          severity: 'error',
          message: {
            zh: '页面中有1处被植入的赌博/推广文字:“澳门赌场_bet365.com注册送88元”',
            en: '1 injected gambling/SEO span(s) in the page: "澳门赌场_bet365.com注册送88元"',
          },
          evidence: [],
        },
      } as never,
      { id: '2112', name: '铁岭市人民政府', parents: [] } as never,
      { unsubscribeUrl: 'https://nianbao.example/unsubscribe?x=1' },
    );
    expect(toMarkdown(msg)).not.toMatch(BARE);
    expect(JSON.stringify(toFeishuPost(msg))).not.toMatch(BARE);
  });
});
