import type { SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** Real SMTP (the embedded sink locally, any relay via NIANBAO_SMTP_URL). */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(mail) {
      const info = await transporter.sendMail(mail);
      return { messageId: info.messageId };
    },
    close: () => transporter.close(),
  };
}

export function sesTransport(region: string): MailTransport {
  // The SES client is loaded on first send: the embedded runtime never needs it.
  let client:
    | Promise<{ ses: SESv2Client; SendEmailCommand: typeof import('@aws-sdk/client-sesv2').SendEmailCommand }>
    | undefined;
  const load = () => {
    client ??= import('@aws-sdk/client-sesv2').then((m) => ({
      ses: new m.SESv2Client({ region }),
      SendEmailCommand: m.SendEmailCommand,
    }));
    return client;
  };
  return {
    async send(mail) {
      const { ses, SendEmailCommand } = await load();
      const res = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: mail.text, Charset: 'UTF-8' },
                Html: { Data: mail.html, Charset: 'UTF-8' },
              },
              ...(mail.headers
                ? { Headers: Object.entries(mail.headers).map(([Name, Value]) => ({ Name, Value })) }
                : {}),
            },
          },
        }),
      );
      return { messageId: res.MessageId ?? '' };
    },
    close: () => {
      void client?.then(({ ses }) => ses.destroy());
    },
  };
}
