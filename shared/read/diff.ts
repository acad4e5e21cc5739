import { diffLines } from 'diff';
import type { FigureChange, FigureRow, TextChange } from './types.ts';

/**
 * Figure by figure, previous → current: every key of either side, in the current side's order then the
 * keys only the previous side has. `change` is current − previous when both are numbers; a blank (null)
 * on either side gives no change figure (blank is not 0). Pure.
 */
export function figureChanges(previous: readonly FigureRow[], current: readonly FigureRow[]): FigureChange[] {
  const before = new Map(previous.map((r) => [r.key, r]));
  const after = new Map(current.map((r) => [r.key, r]));
  const keys = [...new Set([...current.map((r) => r.key), ...previous.map((r) => r.key)])];
  return keys.map((key) => {
    const p = before.get(key);
    const c = after.get(key);
    const prev = p ? p.value : null;
    const cur = c ? c.value : null;
    const status: FigureChange['status'] = !p
      ? 'added'
      : !c
        ? 'removed'
        : prev === cur
          ? 'unchanged'
          : 'changed';
    return {
      key,
      label: (c ?? p)?.label ?? key,
      previous: prev,
      current: cur,
      change: prev !== null && cur !== null ? Number((cur - prev).toFixed(6)) : null,
      status,
    };
  });
}

/** Edits beyond which a line diff gives up and shows the whole text removed and added. */
const MAX_EDIT_LENGTH = 20_000;

/**
 * Line diff of two texts (the `diff` package's Myers diff over lines), as plain parts in order; each
 * part's text keeps its newlines. Deterministic; a pair too different to align shows as one removal and
 * one addition. Pure.
 */
export function textChanges(previous: string, current: string): TextChange[] {
  const parts = diffLines(previous, current, { maxEditLength: MAX_EDIT_LENGTH });
  if (!parts) {
    return [
      ...(previous ? [{ kind: 'removed' as const, text: previous }] : []),
      ...(current ? [{ kind: 'added' as const, text: current }] : []),
    ];
  }
  return parts.map((p) => ({ kind: p.added ? 'added' : p.removed ? 'removed' : 'same', text: p.value }));
}
