/**
 * The one-click unsubscribe headers of RFC 8058 (with RFC 2369's List-Unsubscribe): a mail client shows
 * an "unsubscribe" button that POSTs `List-Unsubscribe=One-Click` to the https (or, locally, http) URL.
 * The URL must carry everything needed to identify the recipient (a signed token), since the POST has
 * no cookies and no other context.
 */
export function listUnsubscribeHeaders(url: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
