import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';

const REPORT = [
  '唐河县人民政府2018年政府信息公开工作年度报告',
  '本年度报告根据《中华人民共和国政府信息公开条例》的规定,由唐河县人民政府办公室编制。本年报中所列数据的统计期限自2018年1月1日起至2018年12月31日止。',
  '一、基本情况概述',
  '2018年,我县认真贯彻落实《中华人民共和国政府信息公开条例》,扎实推进全县政府信息公开工作,主动公开政府信息9483条。',
  '二、主动公开政府信息情况',
  '全年通过政府网站公开政府信息8925条,政务微博公开91条,政务微信公开416条。',
  '三、依申请公开政府信息情况',
  '2018年共收到政府信息公开申请1件,已按时办结。',
  '四、政府信息公开的收费及减免情况',
  '2018年未收取任何费用。',
  '五、因政府信息公开申请行政复议、提起行政诉讼的情况',
  '2018年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。',
  '六、存在的主要问题及改进情况',
  '存在公开内容不够全面等问题,下一步将进一步加强培训,规范公开内容。',
];

/** A portal whose detail page only links the report as a DOCX, as many real ones do. */
async function startPortal(docx: Uint8Array): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const html = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`);
    };
    if (req.url === '/robots.txt') return res.end('User-agent: *\nAllow: /\n');
    if (req.url === '/gknb/') {
      return html(
        '<ul><li><a href="/gknb/201903/t20190326_1.html">唐河县人民政府2018年政府信息公开工作年度报告</a></li></ul>',
      );
    }
    if (req.url === '/gknb/201903/t20190326_1.html') {
      return html(
        '<h1>唐河县人民政府2018年政府信息公开工作年度报告</h1><p>附件:<a href="/files/2018nb.docx">2018年年报.docx</a></p>',
      );
    }
    if (req.url === '/files/2018nb.docx') {
      res.writeHead(200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      });
      return res.end(docx);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('a report published only as an attachment', () => {
  let dir: string;
  let portal: { server: Server; origin: string };
  let rt: Runtime;

  beforeAll(async () => {
    const doc = new Document({ sections: [{ children: REPORT.map((line) => new Paragraph(line)) }] });
    portal = await startPortal(new Uint8Array(await Packer.toBuffer(doc)));
    dir = await mkdtemp(join(tmpdir(), 'nianbao-attachment-'));
    const body: Body = {
      id: '411328',
      name: '唐河县人民政府',
      level: 'county',
      divisionCode: '411328',
      parents: [],
      listingUrl: `${portal.origin}/gknb/`,
      render: 'http',
    };
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_ALLOW_PRIVATE_ORIGINS: portal.origin,
    });
    rt = await startRuntime({ config, registry: [body] });
  });

  afterAll(async () => {
    await rt?.close();
    await new Promise((r) => portal?.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('is found by parsing the archived DOCX, dated by the page URL, with the attachment as its source', async () => {
    const summary = await runCycle(rt, { force: true });

    expect(summary.reports).toHaveLength(1);
    const report = summary.reports[0]!;
    expect(report).toMatchObject({
      bodyId: '411328',
      year: 2018,
      url: `${portal.origin}/gknb/201903/t20190326_1.html`,
      publishedAt: '2019-03-26',
      publishedAtSource: 'url',
      timeliness: 'on-time',
    });
    expect(report.rawKey).toMatch(/^raw\/411328\/[0-9a-f]{64}\.docx$/);
  });
});
