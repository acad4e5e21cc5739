import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lowLevelClient } from './clients.ts';
import { isConditionFailed, withoutKeys } from './dynamo.ts';
import {
  FINDINGS_PK,
  FINDINGS_SK,
  findingIndexKeys,
  gainsFinding,
  withFindingIndex,
} from './finding-index.ts';
import { markPending } from './pending.ts';
import { queryAll } from './query-all.ts';
import { AlertRecord, BodyState, ReportItem, type RevisionItem, StoredRobots } from './records.ts';
import { keys } from './table.ts';

export const sha1Hex = (s: string): string => createHash('sha1').update(s).digest('hex');

export type ReportChange = 'new' | 'revised' | 'unchanged';

/** Reports, revisions, crawl state, links and alerts in the one table (docs/architecture.md, Data). */
export class Repository {
  /**
   * The low-level client for the hot calls (every Query page and BatchWriteItem, items marshalled by
   * util-dynamodb as the document client marshals them): its handlers are cached (clients.ts).
   */
  readonly lowLevel: DynamoDBClient;

  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {
    this.lowLevel = lowLevelClient(db);
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return res.Item;
  }

  /**
   * Put that succeeds only for a new key; false when the item was already there. An item holding public
   * findings (a report, a public sweep alert) carries its findings-index keys (finding-index.ts).
   */
  async putNew(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: withFindingIndex(item),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async getBodyState(bodyId: string): Promise<BodyState> {
    const item = await this.get(keys.body(bodyId));
    return item ? BodyState.parse(withoutKeys(item)) : { bodyId, consecutiveFailures: 0 };
  }

  async putBodyState(state: BodyState): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.body(state.bodyId), ...state } }),
    );
  }

  async getReport(bodyId: string, year: number): Promise<ReportItem | undefined> {
    const item = await this.get(keys.report(bodyId, year));
    return item ? ReportItem.parse(withoutKeys(item)) : undefined;
  }

  /** The body's current report items (not revisions), every page of the query. */
  async listReports(bodyId: string): Promise<ReportItem[]> {
    return (await queryAll(this, `BODY#${bodyId}`, 'REPORT#'))
      .filter((i) => !String(i.sk).includes('#REV#'))
      .map((i) => ReportItem.parse(withoutKeys(i)));
  }

  async listRevisions(bodyId: string, year: number): Promise<RevisionItem[]> {
    return (await queryAll(this, `BODY#${bodyId}`, `REPORT#${year}#REV#`)) as RevisionItem[];
  }

  /**
   * Records a version of a report. Every distinct content is kept as a revision (silent edits are news);
   * the current item keeps the first-seen time of the first copy, which decides on-time or late.
   */
  async recordReport(next: ReportItem): Promise<ReportChange> {
    const existing = await this.getReport(next.bodyId, next.year);
    if (existing?.sha256 === next.sha256) return 'unchanged';
    const revision: RevisionItem = {
      bodyId: next.bodyId,
      year: next.year,
      sha256: next.sha256,
      firstSeen: next.versionSeen,
      url: next.url,
      rawKey: next.rawKey,
      parsedKey: next.parsedKey,
    };
    await this.putNew({
      ...keys.revision(next.bodyId, next.year, next.versionSeen, next.sha256),
      ...revision,
    });
    if (!existing) {
      if (await this.putNew({ ...keys.report(next.bodyId, next.year), ...next, revisions: 1 })) return 'new';
      return this.recordReport(next);
    }
    const merged: ReportItem = {
      ...next,
      firstSeen: existing.firstSeen,
      // The first copy decides timeliness: a later edit does not make a late report on time.
      publishedAt: existing.publishedAt ?? next.publishedAt,
      publishedAtSource: existing.publishedAt ? existing.publishedAtSource : next.publishedAtSource,
      timeliness: existing.publishedAt ? existing.timeliness : next.timeliness,
      revisions: existing.revisions + 1,
      // A revision that brings a new finding makes the report's findings news again in the feeds.
      ...(gainsFinding(existing.findings, next.findings)
        ? { findingsAt: next.versionSeen }
        : existing.findingsAt
          ? { findingsAt: existing.findingsAt }
          : {}),
    };
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: withFindingIndex({ ...keys.report(next.bodyId, next.year), ...merged }),
        ConditionExpression: 'sha256 = :old',
        ExpressionAttributeValues: { ':old': existing.sha256 },
      }),
    );
    return 'revised';
  }

  /**
   * Replaces the stored findings (after a re-parse or rule change) without touching the version; the
   * item joins the findings index when it has findings now and leaves it when it has none. The
   * first-seen time the index key names is read back from the item (a ConditionExpression keeps the
   * update from creating a report that is not there).
   */
  async setFindings(
    bodyId: string,
    year: number,
    findings: ReportItem['findings'],
    /** Now (ISO 8601): the findings' time when they gain one (`findingsAt`); absent, it stays as it was. */
    at?: string,
  ): Promise<void> {
    const key = keys.report(bodyId, year);
    const current = await this.get(key);
    if (!current) return;
    const previous = Array.isArray(current.findings) ? (current.findings as Array<{ rule: string }>) : [];
    const gained = at !== undefined && gainsFinding(previous, findings);
    const index = findingIndexKeys({ ...current, findings, ...(gained ? { findingsAt: at } : {}) });
    const sets = ['findings = :f', ...(gained ? ['findingsAt = :at'] : [])];
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: index
          ? `SET ${[...sets, `${FINDINGS_PK} = :ipk`, `${FINDINGS_SK} = :isk`].join(', ')}`
          : `SET ${sets.join(', ')} REMOVE ${FINDINGS_PK}, ${FINDINGS_SK}`,
        ConditionExpression: 'firstSeen = :seen',
        ExpressionAttributeValues: {
          ':f': findings,
          ':seen': current.firstSeen,
          ...(gained ? { ':at': at } : {}),
          ...(index ? { ':ipk': index[FINDINGS_PK], ':isk': index[FINDINGS_SK] } : {}),
        },
      }),
    );
  }

  /** robots.txt as last fetched for an origin (the crawler's cache across runs and containers). */
  async getRobots(origin: string): Promise<StoredRobots | undefined> {
    const item = await this.get(keys.robots(origin));
    return item ? StoredRobots.parse(withoutKeys(item)) : undefined;
  }

  async putRobots(robots: StoredRobots): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.robots(robots.origin), ...robots } }),
    );
  }

  /** Stores an alert once; false when the same (rule, body, year) was already raised. */
  async recordAlert(alert: AlertRecord): Promise<boolean> {
    return this.putNewAlert({ ...keys.alert(alert.alertId), ...alert });
  }

  /**
   * An alert item (keys included) put once, marked pending first (pending.ts: the redrive finds what is
   * undelivered without a Scan; the mark goes when it is delivered). False when it was already there.
   * `markedAt` (ISO 8601, default the alert's createdAt) is now: a mark with no alert behind it is dropped
   * once an hour old, so an alert put long after its creation (an open summary finished) must not carry
   * its old time.
   */
  async putNewAlert(
    item: Record<string, unknown> & { alertId: string; createdAt: string },
    markedAt: string = item.createdAt,
  ): Promise<boolean> {
    await markPending(this, 'ALERT', item.alertId, markedAt);
    return this.putNew(item);
  }

  async getAlert(alertId: string): Promise<AlertRecord | undefined> {
    const item = await this.get(keys.alert(alertId));
    return item ? AlertRecord.parse(withoutKeys(item)) : undefined;
  }
}
