import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { linkSigningKey } from './signing-key.ts';
import { ALL_SCOPES, type LinkClaims, signLink, type VerifyResult, verifyLink } from './tokens.ts';

/** How long the links in a mail work: long enough for a forwarded mail read weeks later. */
export const UNSUBSCRIBE_LINK_DAYS = 180;
export const MANAGE_LINK_DAYS = 30;

/** The signed links one recipient's mail carries. */
export interface RecipientLinks {
  /** RFC 8058 one-click target (List-Unsubscribe), and the "stop everything" link: every scope. */
  unsubscribeAll: string;
  /** One link per scope that brought this mail, to drop just that scope. */
  unsubscribeScope: Array<{ scope: string; url: string }>;
  /** The manage-my-alerts page. */
  manage: string;
}

/** Signs and reads the links of one table's subscribers; the key lives in the table (signing-key.ts). */
export class LinkSigner {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly publicUrl: string,
  ) {}

  /** The links for `recipient` (its address hash and link epoch), issued at `now`. */
  async forRecipient(
    recipient: { emailHash: string; linkEpoch: number },
    scopes: readonly string[],
    now: Date,
  ): Promise<RecipientLinks> {
    const key = await linkSigningKey(this.db, this.table);
    const sec = Math.floor(now.getTime() / 1000);
    const claims = (p: LinkClaims['p'], days: number, s?: string): LinkClaims => ({
      p,
      h: recipient.emailHash,
      ...(s ? { s } : {}),
      x: sec + days * 86_400,
      v: recipient.linkEpoch,
    });
    const base = this.publicUrl.replace(/\/+$/, '');
    const unsub = (s: string) =>
      `${base}/unsubscribe?t=${signLink(key, claims('unsubscribe', UNSUBSCRIBE_LINK_DAYS, s))}`;
    return {
      unsubscribeAll: unsub(ALL_SCOPES),
      unsubscribeScope: scopes.map((scope) => ({ scope, url: unsub(scope) })),
      manage: `${base}/alerts/manage?t=${signLink(key, claims('manage', MANAGE_LINK_DAYS))}`,
    };
  }

  /** A token's claims, or why it is refused (tokens.ts, verifyLink). */
  async verify(token: string, now: Date): Promise<VerifyResult> {
    return verifyLink(await linkSigningKey(this.db, this.table), token, Math.floor(now.getTime() / 1000));
  }
}
