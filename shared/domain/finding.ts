import { z } from 'zod';

export const Severity = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

/** What a watcher can show: the quoted original text and where it stands, plus any arithmetic. */
export const Evidence = z.object({
  quote: z.string(),
  /** Offsets into the report's original text (UTF-16 code units), when the evidence is text. */
  start: z.number().int().nonnegative().optional(),
  end: z.number().int().nonnegative().optional(),
  /** Where the evidence is: `text`, `title`, `url`, `host`, `table 三`, `registry`… */
  where: z.string(),
  figures: z.record(z.string(), z.number()).optional(),
  computation: z.string().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Finding = z.object({
  rule: z.string().regex(/^[a-z]+\.[a-z-]+$/),
  severity: Severity,
  message: z.object({ zh: z.string().min(1), en: z.string().min(1) }),
  evidence: z.array(Evidence),
});
export type Finding = z.infer<typeof Finding>;
