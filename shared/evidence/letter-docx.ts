import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import type { Letter } from './letter.ts';

/** The letter as a DOCX (Office Open XML via the `docx` package), the same paragraphs as the Markdown. */
export async function letterDocx(l: Letter): Promise<Uint8Array> {
  const para = (text: string, opts: { bold?: boolean; indent?: boolean } = {}) =>
    new Paragraph({
      children: [new TextRun({ text, bold: opts.bold ?? false, font: 'SimSun' })],
      ...(opts.indent ? { indent: { firstLine: 480 } } : {}),
      spacing: { after: 120 },
    });
  const doc = new Document({
    creator: 'nianbao-watch',
    title: l.title,
    sections: [
      {
        children: [
          new Paragraph({
            heading: HeadingLevel.TITLE,
            children: [new TextRun({ text: l.title, font: 'SimSun' })],
          }),
          para(`草稿，非法律意见。${l.note}`, { bold: true }),
          para(l.to),
          ...l.paragraphs.map((p) => para(p, { indent: true })),
          new Paragraph({
            heading: HeadingLevel.HEADING_2,
            children: [new TextRun({ text: '事实', font: 'SimSun' })],
          }),
          ...l.facts.map((f) => para(`· ${f}`)),
          new Paragraph({
            heading: HeadingLevel.HEADING_2,
            children: [new TextRun({ text: '证据', font: 'SimSun' })],
          }),
          ...l.evidence.map((e) => para(`· ${e}`)),
          ...l.closing.map((c) => para(c)),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
