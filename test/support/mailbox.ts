import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

export interface ReadMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  alertId: string;
}

/** Reads back every .eml the SMTP sink stored, parsed as a mail client would. */
export async function readMailbox(dir: string): Promise<ReadMail[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
  const out: ReadMail[] = [];
  for (const file of files) {
    const parsed = await simpleParser(await readFile(join(dir, file)));
    const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
    out.push({
      file,
      to: to ?? '',
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      alertId: String(parsed.headers.get('x-nianbao-alert') ?? ''),
    });
  }
  return out;
}
