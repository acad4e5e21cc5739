import type { BrowserPool } from '../crawl/browser.ts';
import type { HttpFetcher } from '../crawl/fetcher.ts';
import type { Body } from '../domain/body.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { AlertMessage, CrawlMessage, ParseMessage, Queue } from '../queue/queue.ts';
import type { RawArchive } from '../store/archive.ts';
import type { Repository } from '../store/repository.ts';
import type { Subscribers } from '../store/subscribers.ts';

/** Everything a stage needs, built once per runtime (Lambda cold start or the embedded process). */
export interface StageContext {
  registry: ReadonlyMap<string, Body>;
  archive: RawArchive;
  repo: Repository;
  subscribers: Subscribers;
  crawlQueue: Queue<CrawlMessage>;
  parseQueue: Queue<ParseMessage>;
  alertQueue: Queue<AlertMessage>;
  fetcher: HttpFetcher;
  browser: BrowserPool;
  mail: MailTransport;
  mailFrom: string;
  adminEmail: string;
  /** Where a reader finds archived objects (s3://bucket or the local .data path). */
  archiveBase: string;
  failuresBeforeAdminAlert: number;
  /** How often a known report page is re-fetched for edits (default 7 days). */
  reportRecheckMs?: number;
  now: () => Date;
  /** The date deadlines are judged against (YYYY-MM-DD, Beijing). */
  today: () => string;
  log: (line: string) => void;
}

export function requireBody(ctx: StageContext, bodyId: string): Body {
  const body = ctx.registry.get(bodyId);
  if (!body) throw new Error(`body ${bodyId} is not in the registry`);
  return body;
}
