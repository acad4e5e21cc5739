import { BrowserPool, type RenderResult } from '../crawl/browser.ts';
import { InfrastructureError } from '../errors.ts';

/**
 * A page needs Chromium in a function that has none (the plain-HTTP crawl function): not a portal
 * failure and not retried here. The crawl stage catches it and sends the body's crawl message to the
 * browser queue (crawl-stage.ts); anywhere else it is an InfrastructureError like a failed launch.
 */
export class BrowserNeeded extends InfrastructureError {
  constructor(readonly url: string) {
    super(`${url} needs Chromium: handed to the browser function`, 'browser-hand-off');
  }
}

/**
 * The browser of a function without Chromium: every render throws BrowserNeeded before anything is
 * launched or fetched, so the plain-HTTP crawl function stays small (no Chromium in its bundle or memory).
 */
export class HandOffBrowser extends BrowserPool {
  override render(url: string): Promise<RenderResult> {
    return Promise.reject(new BrowserNeeded(url));
  }
}
