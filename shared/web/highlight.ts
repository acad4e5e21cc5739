import type { PublicFinding } from '../read/index.ts';

/** A span of the report's original text that findings concern, with what each finding says of it. */
export interface FlaggedSpan {
  start: number;
  end: number;
  notes: Array<{ findingId: string; severity: PublicFinding['severity']; text: string }>;
}

/** A finding id as an HTML id fragment (letters, digits and hyphens only). */
export const anchorOf = (findingId: string): string => `hl-${findingId.replace(/[^a-zA-Z0-9-]/g, '_')}`;

/**
 * The spans of `originalText` (UTF-16 offsets, docs: the parse record's convention) that the findings'
 * evidence points at, merged where they overlap, in text order. Each note is the evidence's arithmetic
 * when it has one (`57 / 1780 = 3.2%`), else the finding's message. Spans outside the text are dropped.
 * Pure.
 */
export function flaggedSpans(findings: readonly PublicFinding[], textLength: number): FlaggedSpan[] {
  const raw = findings.flatMap((f) =>
    f.evidence
      .filter((e) => e.start !== undefined && e.end !== undefined && e.end > e.start && e.end <= textLength)
      .map((e) => ({
        start: e.start as number,
        end: e.end as number,
        note: { findingId: f.id, severity: f.severity, text: e.computation ?? f.message.zh },
      })),
  );
  raw.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: FlaggedSpan[] = [];
  for (const r of raw) {
    const last = out.at(-1);
    if (last && r.start < last.end) {
      last.end = Math.max(last.end, r.end);
      if (!last.notes.some((n) => n.findingId === r.note.findingId && n.text === r.note.text))
        last.notes.push(r.note);
      continue;
    }
    out.push({ start: r.start, end: r.end, notes: [r.note] });
  }
  return out;
}
