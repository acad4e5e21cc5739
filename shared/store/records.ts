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
  /** URLs of this body's known report pages, re-checked for silent edits. */
  reportLinks: z.array(z.string()).optional(),
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

export const LinkItem = z.object({
  url: z.string(),
  bodyId: z.string(),
  title: z.string(),
  firstSeen: z.string(),
  lastHash: z.string().optional(),
  isReport: z.boolean(),
  /** Report pages only: the last re-check and its validators, for a conditional GET next time. */
  lastCheckedAt: z.string().optional(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** Browser-rendered pages only: sha256 of the visible text, what a re-check compares (the DOM varies). */
  lastTextHash: z.string().optional(),
  /** A report page that answered 404/410 on re-check: since when, and the status. Cleared if it returns. */
  goneSince: z.string().optional(),
  goneStatus: z.number().int().optional(),
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
