import type { Command } from 'commander';
import { EmailAddress } from '#shared/alerts/address.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { renderAlertMail } from '#shared/mail/render.ts';

/** `nianbao alert test <address>`: mails a sample alert (marked as a test) through the configured transport. */
export function registerAlert(program: Command): void {
  const alert = program.command('alert').description('alert mail tools');
  alert
    .command('test <address>')
    .description('send a sample alert to an address, to check the mail transport and how the mail reads')
    .action(async (address: string) => {
      const email = EmailAddress.safeParse(address);
      if (!email.success) throw new Error(`not an e-mail address: ${address}`);
      await withRuntime(async (rt) => {
        const body = [...rt.ctx.registry.values()][0];
        if (!body) throw new Error('the registry is empty: nothing to name in a sample alert');
        const now = new Date().toISOString();
        const mail = renderAlertMail(
          {
            alertId: `test/${body.id}/${now}`,
            rule: 'deadline.missing',
            bodyId: body.id,
            year: 2025,
            audience: 'admins',
            createdAt: now,
            finding: {
              rule: 'deadline.missing',
              severity: 'info',
              message: {
                zh: `这是一封测试邮件,不是真实的提醒:${body.name}`,
                en: `This is a test mail, not a real alert: ${body.name}`,
              },
              evidence: [{ quote: '测试 / test', where: 'text' }],
            },
          },
          body,
        );
        const sent = await rt.ctx.mail.send({
          from: rt.ctx.mailFrom,
          to: email.data,
          ...mail,
          subject: `[测试 TEST] ${mail.subject}`,
          headers: { 'X-Nianbao-Test': 'true' },
        });
        console.log(
          `sent a test alert to ${email.data} (${sent.messageId})${rt.mailDir ? `; sink: ${rt.mailDir}` : ''}`,
        );
      });
    });
}
