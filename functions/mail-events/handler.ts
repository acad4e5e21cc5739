import { z } from 'zod';
import { buildAwsContext } from '#shared/aws/context.ts';
import { emailHash } from '#shared/store/subscribers.ts';

/** The SNS records the SES configuration set's event destination publishes (bounce, complaint). */
const SnsEvent = z.object({
  Records: z.array(z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string() }) })),
});
const SesEvent = z.object({
  eventType: z.string(),
  bounce: z
    .object({
      bounceType: z.string(),
      bouncedRecipients: z.array(z.object({ emailAddress: z.string() })),
    })
    .optional(),
  complaint: z.object({ complainedRecipients: z.array(z.object({ emailAddress: z.string() })) }).optional(),
  mail: z.object({ messageId: z.string() }).passthrough(),
});

/** Addresses to stop mailing: every complaint, and permanent bounces (a transient one may recover). */
export function suppressedBy(event: z.infer<typeof SesEvent>): string[] {
  if (event.eventType === 'Complaint')
    return event.complaint?.complainedRecipients.map((r) => r.emailAddress) ?? [];
  if (event.eventType === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    return event.bounce.bouncedRecipients.map((r) => r.emailAddress);
  }
  return [];
}

/**
 * SES bounce/complaint → SNS → here: a subscriber whose address bounced for good or complained is
 * marked suppressed (no mail goes to them again; `forBody` skips them). Addresses that are not
 * subscribers (the admin address) are logged only. An unparseable message throws: SNS retries it and
 * the function's error alarm fires.
 */
export async function handler(event: unknown): Promise<{ suppressed: number; ignored: number }> {
  const ctx = await buildAwsContext();
  let suppressed = 0;
  let ignored = 0;
  for (const record of SnsEvent.parse(event).Records) {
    const ses = SesEvent.parse(JSON.parse(record.Sns.Message));
    for (const address of suppressedBy(ses)) {
      const hash = emailHash(address);
      const known = await ctx.subscribers.get(hash);
      if (known) {
        await ctx.subscribers.setSuppressed(hash, true);
        suppressed += 1;
      } else ignored += 1;
      ctx.log(`mail event ${ses.eventType}: ${known ? 'suppressed' : 'not a subscriber'}`, {
        stage: 'mail-events',
        emailHash: hash,
        sesMessageId: ses.mail.messageId,
      });
    }
  }
  return { suppressed, ignored };
}
