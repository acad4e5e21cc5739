import { z } from 'zod';
import { Finding } from '../domain/finding.ts';

export const BodyState = z.object({
  bodyId: z.string(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  lastCheckedAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastStatus: z.number().int().optional(),
  lastErrorClass: z.string().optional(),
  lastError: z.string().optional(),
  consecutiveFailures: z.number().int().default(0),
  adminAlertedAt: z.string().optional(),
  /** When the current failure streak began (cleared on success): one admin alert per streak. */
  failingSince: z.string().optional(),
  /** Candidate links that failed on their last attempt (dead or erroring), kept apart from listing health. */
  failingLinks: z.number().int().optional(),
  /**
   * Set when a crawl ended with candidate links whose parse is not confirmed yet: the next cycle crawls
   * the body whatever its interval, so a parse message lost with a crashed process is sent again.
   */
  pendingWork: z.boolean().optional(),
  /** Summary of the latest check of the listing: what the sweep needs to call a year missing. */
  lastCheck: z.lazy(() => CheckSummary).optional(),
  /**
   * Written by the deadline sweep only (sweep-fingerprint.ts): the fingerprint of the verdicts whose
   * alerts have all been raised. Other writers of this item carry it over as read.
   */
  sweepFingerprint: z.string().optional(),
});
export type BodyState = z.infer<typeof BodyState>;

export const ReportItem = z.object({
  bodyId: z.string(),
  year: z.number().int(),
  title: z.string(),
  url: z.string(),
  host: z.string(),
  sha256: z.string(),
  rawKey: z.string(),
  parsedKey: z.string(),
  publishedAt: z.string().nullable(),
  publishedAtSource: z.string(),
  /** When nianbao-watch first saw any copy of this report. */
  firstSeen: z.string(),
  /** When the current version was first seen. */
  versionSeen: z.string(),
  /**
   * When the report last gained a finding (a revision or a re-parse found one it did not have): its findings'
   * time in the feeds and `/api/findings`, so a finding added to an old report is news. Absent: `firstSeen`.
   */
  findingsAt: z.string().optional(),
  deadline: z.string(),
  timeliness: z.enum(['on-time', 'late', 'undated']),
  format: z.string(),
  findings: z.array(Finding),
  revisions: z.number().int(),
});
export type ReportItem = z.infer<typeof ReportItem>;

export const RevisionItem = z.object({
  bodyId: z.string(),
  year: z.number().int(),
  sha256: z.string(),
  firstSeen: z.string(),
  url: z.string(),
  rawKey: z.string(),
  parsedKey: z.string(),
});
export type RevisionItem = z.infer<typeof RevisionItem>;

/**
 * Where a candidate link is in its life. A link is done only when its parse is durably queued or finished
 * (`queued`, `parsed`): a crash before that leaves it `new` or `failed`, and the next crawl finishes it.
 * `queued` links have their parse message sent again by every crawl until the parse stage marks them
 * `parsed` (parsing is idempotent), so a message lost with a crashed process is never lost for good.
 */
export const LinkState = z.enum(['new', 'queued', 'parsed', 'failed', 'dead', 'removed']);
export type LinkState = z.infer<typeof LinkState>;

/** A report candidate as one body saw it (`BODY#<bodyId>` / `LINK#<sha1(url)>`): keyed per body. */
export const LinkItem = z.object({
  url: z.string(),
  bodyId: z.string(),
  title: z.string(),
  firstSeen: z.string(),
  /** The report year its title names, when it names one. */
  year: z.number().int().nullable().default(null),
  state: LinkState.default('new'),
  /** The listing page it was found on. */
  listedOn: z.string().optional(),
  /** Fetch attempts that failed in a row, the last failure, and when to try again (backoff). */
  attempts: z.number().int().default(0),
  lastStatus: z.number().int().nullable().optional(),
  lastError: z.string().optional(),
  lastErrorClass: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  /** The archived page and attachments its parse message names (sent again while `queued`). */
  rawKey: z.string().optional(),
  attachmentKeys: z.array(z.string()).optional(),
  /** Attachments that could not be fetched, with why (the page is still archived and parsed). */
  attachmentErrors: z.array(z.object({ url: z.string(), error: z.string() })).optional(),
  /** What the parse stage made of it. */
  /** `failed`: the parser could not read the page or its attachment (kept for the admins, retried). */
  parseResult: z.enum(['report', 'not-a-report', 'failed']).optional(),
  parseReason: z.string().optional(),
  lastHash: z.string().optional(),
  /** Kept for items written before links had states. */
  isReport: z.boolean().default(true),
  /** Report pages only: the last re-check and its validators, for a conditional GET next time. */
  lastCheckedAt: z.string().optional(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** Browser-rendered pages only: sha256 of the visible text, what a re-check compares (the DOM varies). */
  lastTextHash: z.string().optional(),
  /** A report page that was taken down (404/410, a 页面不存在 page, a redirect home): since when, and how. */
  goneSince: z.string().optional(),
  goneStatus: z.number().int().optional(),
  goneHow: z.string().optional(),
});
export type LinkItem = z.infer<typeof LinkItem>;

export const AlertRecord = z.object({
  alertId: z.string(),
  rule: z.string(),
  bodyId: z.string(),
  year: z.number().int(),
  audience: z.enum(['subscribers', 'admins']),
  createdAt: z.string(),
  finding: Finding,
  reportUrl: z.string().optional(),
  rawKey: z.string().optional(),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

export const Subscriber = z.object({
  email: z.email(),
  emailHash: z.string(),
  confirmed: z.boolean(),
  digest: z.enum(['immediate', 'daily']),
  suppressed: z.boolean(),
  createdAt: z.string(),
  /** sha256 of the pending double-opt-in token; the token itself only travels in the confirmation mail. */
  confirmTokenHash: z.string().optional(),
});
export type Subscriber = z.infer<typeof Subscriber>;

/** A robots.txt answer as kept between runs: a Lambda container rarely sees the same host twice. */
export const StoredRobots = z.object({
  /** Canonical origin. */
  origin: z.string(),
  /** 200 with its text, or the 4xx that means "no robots.txt" (everything allowed). */
  status: z.number().int(),
  text: z.string(),
  fetchedAt: z.string(),
});
export type StoredRobots = z.infer<typeof StoredRobots>;

/** One listing page as a check read it (or found unchanged). */
export const CheckPage = z.object({
  url: z.string(),
  at: z.string(),
  /** HTTP status, 304 when unchanged, or null when it could not be read (see `error`). */
  status: z.number().int().nullable(),
  /** sha256 of the bytes read; the snapshot is archived under this hash when it is new. */
  sha256: z.string().optional(),
  snapshotKey: z.string().optional(),
  rendered: z.boolean().default(false),
  /** Report years named by the candidate links on this page, in the order listed. */
  years: z.array(z.number().int()).default([]),
  /**
   * Report years the page's text names (…2025年政府信息公开工作年度报告…) that no recognised link carries:
   * a title the classifier missed. Such a year is never called missing.
   */
  namedYears: z.array(z.number().int()).optional(),
  error: z.string().optional(),
});
export type CheckPage = z.infer<typeof CheckPage>;

/** What the sweep needs from the latest check (kept on the body's state: no query per body). */
export const CheckSummary = z.object({
  at: z.string(),
  /** True when every listing page was read to the listing's end, or to years older than `oldestYear`. */
  complete: z.boolean(),
  reachedEnd: z.boolean(),
  oldestYear: z.number().int().nullable(),
  newestYear: z.number().int().nullable(),
  /** Why the walk is not complete: unread frames, unresolved script pagination, failed pages. */
  unread: z.array(z.string()),
  /** Report years whose candidate link failed, is dead, or is not parsed yet: never called missing. */
  unsettledYears: z.array(z.number().int()),
  /** Failing candidate links that name no year: no year may be called missing while they fail. */
  unsettledUnknown: z.number().int(),
  pages: z.array(CheckPage),
  /** The check whose walk this 304 relies on (a not-modified check inherits the last full walk). */
  inheritedFrom: z.string().optional(),
});
export type CheckSummary = z.infer<typeof CheckSummary>;

/** One entry of the check log (`BODY#<bodyId>` / `CHECK#<time>`): the proof behind any "missing". */
export const CheckEntry = CheckSummary.extend({
  bodyId: z.string(),
  outcome: z.enum(['read', 'not-modified', 'partial', 'failed']),
  candidates: z.array(
    z.object({
      url: z.string(),
      title: z.string(),
      year: z.number().int().nullable(),
      state: LinkState,
      status: z.number().int().nullable().optional(),
      error: z.string().optional(),
    }),
  ),
  error: z.string().optional(),
  /**
   * SHA-256 of the canonical JSON of `candidates` (docs/evidence.md, "Candidate lists by reference"); absent on
   * entries written before it.
   */
  candidatesDigest: z.string().optional(),
  /**
   * As stored, an entry whose list is the previous entry's keeps no `candidates` but names the entry holding
   * them (`at`, chain `seq`); readers get `candidates` filled in from it (store/check-resolve.ts).
   */
  candidatesFrom: z.object({ at: z.string(), seq: z.number().int() }).optional(),
  /** The entry's link in the body's hash chain (docs/evidence.md); absent on entries written before it. */
  chain: z.object({ seq: z.number().int(), prev: z.string().nullable(), hash: z.string() }).optional(),
});
export type CheckEntry = z.infer<typeof CheckEntry>;

/** Where an interrupted or failed walk of a listing resumes (`BODY#<bodyId>` / `META#WALK`, table.ts). */
export const WalkState = z.object({
  bodyId: z.string(),
  startedAt: z.string(),
  /** Listing pages still to read, in order (frames and pagination as found). */
  queue: z.array(z.string()),
  /** Listing pages read so far in this walk. */
  read: z.array(CheckPage),
  unread: z.array(z.string()),
  /** True once a page showed years older than the oldest one in question: pagination need go no further. */
  pastOldest: z.boolean().default(false),
  done: z.boolean().default(false),
});
export type WalkState = z.infer<typeof WalkState>;
