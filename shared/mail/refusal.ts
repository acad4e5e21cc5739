/**
 * Why a send failed for good, or undefined when it may succeed later. A permanent SMTP reply (RFC 5321
 * §4.2.1: 5yz, e.g. 550 mailbox unavailable) means the address must not be tried again; a 4yz reply, a
 * connection error or a timeout is passing. SES reports bounces later, through its events (functions/
 * mail-events), not here. nodemailer puts the reply code on the error as `responseCode`.
 */
export function permanentRefusal(error: unknown): string | undefined {
  const e = error as { responseCode?: unknown; response?: unknown } | undefined;
  if (typeof e?.responseCode !== 'number' || e.responseCode < 500 || e.responseCode > 599) return undefined;
  const reply = typeof e.response === 'string' ? e.response : String(e.responseCode);
  return `SMTP ${reply.replace(/[\r\n]+/g, ' ').slice(0, 200)}`;
}
