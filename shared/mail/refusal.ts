/**
 * How a send failed, read from the SMTP reply (RFC 5321 §4.2, enhanced codes RFC 3463):
 * - `recipient`: the server refused THIS recipient for good — a 5yz reply to its RCPT TO with
 *   550/551/553, or an enhanced code 5.1.x (bad mailbox or domain) or 5.2.1 (mailbox disabled). Only
 *   this suppresses the address.
 * - `transport`: a permanent failure that is ours, not the reader's: the relay refused our login (530,
 *   535), our sender (5yz at MAIL FROM, e.g. 554 relay access denied), the message's content or size
 *   (5yz at DATA, e.g. 554 5.7.1 rejected as spam, 552), or refused a recipient for a policy reason
 *   (5.7.x at RCPT TO). Nobody is suppressed; the delivery waits for the redrive and the admins are told.
 * - `passing`: a 4yz reply, a connection error or a timeout: try again soon.
 * nodemailer puts the reply on the error as `responseCode`, `response`, the SMTP `command` and, for
 * RCPT TO, the `rejected` addresses. SES reports bounces later, through its events (functions/mail-events).
 */
export type SendFailure =
  | { kind: 'recipient'; reason: string }
  | { kind: 'transport'; reason: string }
  | { kind: 'passing'; reason: string };

interface SmtpError {
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  code?: unknown;
  rejected?: unknown;
  message?: unknown;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 200);

/** Classifies a failed send to `address` (see SendFailure); never throws. */
export function classifySendFailure(error: unknown, address: string): SendFailure {
  const e = (error ?? {}) as SmtpError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reply = typeof e.response === 'string' ? e.response : String(code ?? e.message ?? error);
  const reason = `SMTP ${oneLine(reply)}`;
  const command = typeof e.command === 'string' ? e.command.toUpperCase() : '';
  if (e.code === 'EAUTH' || command.startsWith('AUTH')) return { kind: 'transport', reason };
  if (code === undefined || code < 500 || code > 599) return { kind: 'passing', reason };
  if (command === 'RCPT TO' && refusesMailbox(code, reply) && names(e.rejected, address)) {
    return { kind: 'recipient', reason };
  }
  return { kind: 'transport', reason };
}

/** 550/551/553 without an enhanced code; with one, 5.1.x or 5.2.1 (never 5.7.x: a policy, not the mailbox). */
function refusesMailbox(code: number, reply: string): boolean {
  const enhanced = /^\d{3}[ -](5\.\d{1,3}\.\d{1,3})\b/.exec(reply.trim())?.[1];
  if (enhanced) return enhanced.startsWith('5.1.') || enhanced === '5.2.1';
  return code === 550 || code === 551 || code === 553;
}

/** True when the rejected list names `address`, or when nodemailer gave none (one recipient per send). */
function names(rejected: unknown, address: string): boolean {
  if (!Array.isArray(rejected) || rejected.length === 0) return true;
  return rejected.some((r) => String(r).toLowerCase() === address.toLowerCase());
}

/** The refusal reason when `address` itself was refused for good (see classifySendFailure), else undefined. */
export function permanentRefusal(error: unknown, address: string): string | undefined {
  const f = classifySendFailure(error, address);
  return f.kind === 'recipient' ? f.reason : undefined;
}
