import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import * as XLSX from '@e965/xlsx';
import { Document, Packer, Paragraph } from 'docx';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { attachmentHint, dispositionFilename, identifyAttachment } from '#shared/crawl/attachment-kind.ts';

const SITE = 'http://www.example.gov.cn';
/** The smallest body file-type reads as a PDF. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);
/** Bytes no format claims (a truncated or encrypted download). */
const OPAQUE = Buffer.from([0x00, 0x13, 0x37, 0x42, 0x99, 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]);

/** A zip with stored (uncompressed) entries: local headers, central directory, end record (APPNOTE 4.3). */
function storedZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('attachmentHint()', () => {
  it('reads the file name Hanweb puts in the query of downfile.jsp', () => {
    const url = `${SITE}/module/download/downfile.jsp?classid=0&filename=2601150931.docx`;
    expect(attachmentHint(url, '2025年政府信息公开工作年度报告')).toEqual({ type: 'docx', likely: true });
  });

  it('marks a download path with no file name as likely, its type left to the answer', () => {
    expect(attachmentHint(`${SITE}/api/download?id=88`, '年度报告')).toEqual({ type: null, likely: true });
    expect(attachmentHint(`${SITE}/DownLoad.aspx?fid=3`, '')).toEqual({ type: null, likely: true });
  });

  it('takes the extension of the path, in any case', () => {
    expect(attachmentHint(`${SITE}/xxgk/ndbg/W0202401.PDF`, '')).toEqual({ type: 'pdf', likely: true });
  });

  it('keeps WPS and OFD files as likely attachments of no type of ours', () => {
    expect(attachmentHint(`${SITE}/upload/2024/a.wps`, '')).toEqual({ type: null, likely: true });
    expect(attachmentHint(`${SITE}/getFile?fn=report.ofd`, '')).toEqual({ type: null, likely: true });
  });

  it('uses the link text, but does not let it outweigh an ordinary page URL', () => {
    expect(attachmentHint(`${SITE}/file?id=7`, '统计表.xls')).toEqual({ type: 'xls', likely: true });
    expect(attachmentHint(`${SITE}/x?id=7`, '附件1')).toEqual({ type: null, likely: true });
    expect(attachmentHint(`${SITE}/xzzx/index.html`, '下载中心')).toEqual({ type: null, likely: false });
  });

  it('returns null for a plain page link and for a URL that does not parse', () => {
    expect([
      attachmentHint(`${SITE}/art/2023/1/31/art_6924_1618518.html`, '2022年政府信息公开工作年度报告'),
      attachmentHint(`${SITE}/download/index.html`, '政策文件'),
      attachmentHint('not a url', '附件'),
    ]).toEqual([null, null, null]);
  });
});

describe('dispositionFilename()', () => {
  it('prefers filename* (RFC 8187 UTF-8) over filename', () => {
    const header = `attachment; filename="report.pdf"; filename*=UTF-8''2025%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf`;
    expect(dispositionFilename(header)).toBe('2025年度报告.pdf');
  });

  it('decodes a raw GBK name, quoted or not, and a raw UTF-8 one', () => {
    const gbk = Buffer.from(iconv.encode('2025年年度报告.pdf', 'gbk')).toString('latin1');
    const utf8 = Buffer.from('2025年年度报告.pdf').toString('latin1');
    expect([
      dispositionFilename(`attachment; filename="${gbk}"`),
      dispositionFilename(`attachment; filename=${gbk}`),
      dispositionFilename(`attachment; filename="${utf8}"`),
    ]).toEqual(['2025年年度报告.pdf', '2025年年度报告.pdf', '2025年年度报告.pdf']);
  });

  it('reads filename* in GBK, which the package rejects', () => {
    expect(dispositionFilename(`attachment; filename*=GBK''%C4%EA%B1%A8.doc`)).toBe('年报.doc');
  });

  it('does not throw on malformed headers, and recovers what it can', () => {
    expect([
      dispositionFilename('attachment; filename=2025 年报.doc; size=12'),
      dispositionFilename('attachment; filename="unterminated.pdf'),
      dispositionFilename('attachment; filename="C:\\\\upload\\\\a.xls"'),
      dispositionFilename('attachment;;;=='),
      dispositionFilename('inline'),
    ]).toEqual(['2025 年报.doc', 'unterminated.pdf', 'a.xls', null, null]);
  });
});

describe('identifyAttachment()', () => {
  it('names a download?id=88 answer from filename*, its type from its bytes', async () => {
    const result = await identifyAttachment({
      bytes: PDF,
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename*=UTF-8''2025%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf`,
      },
      url: `${SITE}/api/download?id=88`,
      hint: null,
    });
    expect(result).toEqual({ type: 'pdf', filename: '2025年度报告.pdf', by: 'magic' });
  });

  it('falls back to a raw GBK Content-Disposition name when the bytes tell nothing', async () => {
    const gbk = Buffer.from(iconv.encode('2025年年度报告.pdf', 'gbk')).toString('latin1');
    const result = await identifyAttachment({
      bytes: OPAQUE,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${gbk}"`,
      },
      url: `${SITE}/download?id=88`,
      hint: null,
    });
    expect(result).toEqual({ type: 'pdf', filename: '2025年年度报告.pdf', by: 'content-disposition' });
  });

  it('survives a malformed Content-Disposition and goes on to the Content-Type', async () => {
    const result = await identifyAttachment({
      bytes: OPAQUE,
      headers: {
        'content-type': 'application/vnd.ms-excel',
        'content-disposition': 'attachment; filename=;;"',
      },
      url: `${SITE}/download?id=9`,
      hint: null,
    });
    expect(result).toEqual({ type: 'xls', filename: null, by: 'content-type' });
  });

  it('calls a .doc link that answers PDF bytes a PDF', async () => {
    const result = await identifyAttachment({
      bytes: PDF,
      headers: { 'content-type': 'application/msword' },
      url: `${SITE}/xxgk/ndbg/2011ndbg.doc`,
      hint: 'doc',
    });
    expect(result).toEqual({ type: 'pdf', filename: '2011ndbg.doc', by: 'magic' });
  });

  it('recognises a minimal OOXML zip: [Content_Types].xml naming the main part, and word/document.xml', async () => {
    const main = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';
    const bytes = storedZip({
      '[Content_Types].xml': `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`,
      'word/document.xml':
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    });
    const result = await identifyAttachment({
      bytes,
      headers: { 'content-type': 'application/octet-stream' },
      url: `${SITE}/module/download/downfile.jsp?classid=0&filename=2601150931.docx`,
      hint: 'docx',
    });
    expect(result).toEqual({ type: 'docx', filename: '2601150931.docx', by: 'magic' });
  });

  it('recognises a docx written by Word tooling (docx Packer) and an xlsx, whatever the URL says', async () => {
    const docx = await Packer.toBuffer(
      new Document({ sections: [{ children: [new Paragraph('年度报告')] }] }),
    );
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['收到申请数', 3]]), '统计表');
    const xlsx: Buffer = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' });
    const ask = (bytes: Uint8Array) =>
      identifyAttachment({ bytes, headers: {}, url: `${SITE}/download?id=1`, hint: null });
    expect([await ask(docx), await ask(xlsx)]).toEqual([
      { type: 'docx', filename: null, by: 'magic' },
      { type: 'xlsx', filename: null, by: 'magic' },
    ]);
  });

  it('tells a Word compound file from an Excel one by its streams, not by the link', async () => {
    const doc = await readFile(new URL('../../../seeds/portal/files/2011ndbg.doc', import.meta.url));
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['办结数', 41859]]), 'Sheet1');
    const xls: Buffer = XLSX.write(book, { type: 'buffer', bookType: 'biff8' });
    const ask = (bytes: Uint8Array, hint: 'doc' | 'xls') =>
      identifyAttachment({ bytes, headers: {}, url: `${SITE}/getfile?id=2`, hint });
    expect([await ask(doc, 'xls'), await ask(xls, 'doc')]).toEqual([
      { type: 'doc', filename: null, by: 'magic' },
      { type: 'xls', filename: null, by: 'magic' },
    ]);
  });

  it('calls an HTML error page behind a .pdf link html, by its bytes or its Content-Type', async () => {
    const page = Buffer.from('\uFEFF  <!DOCTYPE html><html><head><title>文件不存在</title></head></html>');
    const byBytes = await identifyAttachment({
      bytes: page,
      headers: { 'content-type': 'application/pdf' },
      url: `${SITE}/xxgk/ndbg/2023.pdf`,
      hint: 'pdf',
    });
    const byType = await identifyAttachment({
      bytes: Buffer.from('文件不存在'),
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-disposition': 'attachment; filename=2023.pdf',
      },
      url: `${SITE}/xxgk/ndbg/2023.pdf`,
      hint: 'pdf',
    });
    expect([byBytes, byType]).toEqual([
      { type: 'html', filename: '2023.pdf', by: 'magic' },
      { type: 'html', filename: '2023.pdf', by: 'content-type' },
    ]);
  });

  it('falls back to the URL, then to nothing', async () => {
    const ask = (url: string, hint: 'pdf' | null) =>
      identifyAttachment({ bytes: OPAQUE, headers: {}, url, hint });
    expect([
      await ask(`${SITE}/a/b.xlsx`, null),
      await ask(`${SITE}/download?id=3`, 'pdf'),
      await ask(`${SITE}/download?id=3`, null),
    ]).toEqual([
      { type: 'xlsx', filename: 'b.xlsx', by: 'url' },
      { type: 'pdf', filename: null, by: 'url' },
      { type: null, filename: null, by: 'none' },
    ]);
  });

  it('calls a recognised format of no type of ours (an image) null by magic', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const result = await identifyAttachment({
      bytes: png,
      headers: {},
      url: `${SITE}/a/scan.pdf`,
      hint: 'pdf',
    });
    expect(result).toEqual({ type: null, filename: 'scan.pdf', by: 'magic' });
  });
});
