import type { SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID (`<id@domain>`), the same on every attempt of one delivery; SMTP only (SES sets its own). */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * Real SMTP (the embedded sink locally, any relay via NIANBAO_SMTP_URL). The URL may be a provider read
 * on first send (a Secrets Manager secret in Lambda): credentials never sit in the environment. A
 * rotated secret is picked up when the provider returns a new URL.
 */
export function smtpTransport(url: string | (() => Promise<string>)): MailTransport {
  let current: { url: string; transporter: Transporter } | undefined;
  const transporter = async () => {
    const next = typeof url === 'string' ? url : await url();
    if (current?.url !== next) {
      current?.transporter.close();
      current = { url: next, transporter: nodemailer.createTransport(next) };
    }
    return current.transporter;
  };
  return {
    async send(mail) {
      const info = await (await transporter()).sendMail(mail);
      return { messageId: info.messageId };
    },
    close: () => current?.transporter.close(),
  };
}

/**
 * SES v2 in `region` (the identity's region, which may differ from the function's: SES is not offered
 * in the China regions). With a configuration set, bounces and complaints reach its event destination.
 */
export function sesTransport(region: string, configurationSet?: string): MailTransport {
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
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
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

/**
 * The transport the configuration selects, in either runtime: SES (NIANBAO_SES_REGION, default the
 * function's region) or SMTP from NIANBAO_SMTP_URL, else from the secret behind NIANBAO_SMTP_SECRET_ARN
 * (`readSecret`, given by the AWS runtime). `smtpUrl` overrides both (the embedded sink).
 */
export function mailTransportFor(
  config: Config,
  o: { smtpUrl?: string | undefined; readSecret?: (arn: string) => () => Promise<string> } = {},
): MailTransport {
  if (config.NIANBAO_MAIL_TRANSPORT === 'ses') {
    return sesTransport(config.NIANBAO_SES_REGION ?? config.AWS_REGION, config.NIANBAO_SES_CONFIGURATION_SET);
  }
  const url = o.smtpUrl ?? config.NIANBAO_SMTP_URL;
  if (url) return smtpTransport(url);
  if (config.NIANBAO_SMTP_SECRET_ARN && o.readSecret) {
    return smtpTransport(o.readSecret(config.NIANBAO_SMTP_SECRET_ARN));
  }
  throw new Error('NIANBAO_MAIL_TRANSPORT=smtp needs NIANBAO_SMTP_URL or NIANBAO_SMTP_SECRET_ARN');
}
