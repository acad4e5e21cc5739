import type { Finding } from '#shared/domain/finding.ts';
import { finding } from './findings.ts';
import { SPAM_ASCII_GLUE, SPAM_GLUE, SPAM_STRONG } from './knowledge/spam-lexicon.ts';
import { quoteView, type TextView, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

export const spamInjection: Rule = {
  id: 'spam.injection',
  severity: 'error',
  description: {
    zh: '页面被植入赌博、色情或推广文字(网站可能已被篡改)',
    en: 'Gambling, porn or SEO text is injected into the page (the site may be compromised)',
  },
  run: runSpamInjection,
};

/** A strong term right after these words is the report talking about a crackdown, not spam. */
const CRACKDOWN = /(打击|整治|查处|治理|严打|取缔|防范|涉嫌|涉|查获|举报|清理)[^。,;]{0,6}$/;

/**
 * Every injected span, each with its own offsets: a watcher must be able to point at all of them (seed 000
 * has the same string in four places). A span starts at a strong lexicon term and widens over touching glue
 * words and ASCII runs, so `体育365网投_365bet365用址_365bet官网提现说维护` is quoted whole and the 人民政府
 * after it is not.
 */
function runSpamInjection({ report }: RuleContext): Finding[] {
  const view = viewOf(report);
  const spans = injectedSpans(view);
  if (spans.length === 0) return [];
  const distinct = [...new Set(spans.map((s) => view.text.slice(s.start, s.end)))];
  return [
    finding(
      spamInjection,
      {
        zh: `页面中有${spans.length}处被植入的赌博/推广文字:${distinct.map((d) => `“${d}”`).join('、')}`,
        en: `${spans.length} injected gambling/SEO span(s) in the page: ${distinct.map((d) => `"${d}"`).join(', ')}`,
      },
      spans.map((s) => quoteView(view, s.start, s.end, 'text')),
    ),
  ];
}

export function injectedSpans(view: TextView): Array<{ start: number; end: number }> {
  // ASCII-only lower-casing keeps offsets aligned with the view.
  const lower = view.text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const spans: Array<{ start: number; end: number }> = [];
  let from = 0;
  for (;;) {
    const hit = nextStrong(lower, from);
    if (!hit) break;
    if (CRACKDOWN.test(lower.slice(Math.max(0, hit.start - 10), hit.start))) {
      from = hit.end;
      continue;
    }
    const span = widen(lower, hit.start, hit.end);
    spans.push(span);
    from = span.end;
  }
  return spans;
}

const literal = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = (a: string, b: string): number => b.length - a.length;
/** One alternation per lexicon, longest terms first, so each hit costs one regex step, not a lexicon loop. */
const STRONG_RE = new RegExp(`(?:${[...SPAM_STRONG].sort(byLength).map(literal).join('|')})`, 'g');
const TOKEN_AT = new RegExp(
  `(?:${[...SPAM_STRONG, ...SPAM_GLUE].sort(byLength).map(literal).join('|')})|${SPAM_ASCII_GLUE.source.replace(/^\^/, '')}`,
  'y',
);
/** Longest term of either lexicon: how far back a token can reach (the left scan looks no further). */
const LONGEST = Math.max(...[...SPAM_STRONG, ...SPAM_GLUE].map((t) => t.length));
/** ASCII runs to the left are read within this window: `365bet365用址_365bet` is far shorter. */
const ASCII_WINDOW = 64;

function nextStrong(text: string, from: number): { start: number; end: number } | null {
  STRONG_RE.lastIndex = from;
  const m = STRONG_RE.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : null;
}

function widen(text: string, start: number, end: number): { start: number; end: number } {
  let s = start;
  let e = end;
  for (let grown = true; grown; ) {
    grown = false;
    const right = tokenAt(text, e);
    if (right > 0) {
      e += right;
      grown = true;
    }
    const left = tokenBefore(text, s);
    if (left > 0) {
      s -= left;
      grown = true;
    }
  }
  return { start: s, end: e };
}

/** Length of the longest strong, glue or ASCII token starting at `at`, or 0. */
function tokenAt(text: string, at: number): number {
  let best = 0;
  TOKEN_AT.lastIndex = at;
  const m = TOKEN_AT.exec(text);
  if (m) best = m[0].length;
  // The alternation takes the first branch that matches; an ASCII run may still be longer.
  const ascii = SPAM_ASCII_GLUE.exec(text.slice(at, at + ASCII_WINDOW));
  return Math.max(best, ascii ? ascii[0].length : 0);
}

/** Length of a strong, glue or ASCII token ending at `at`, or 0; looks back a bounded window only. */
function tokenBefore(text: string, at: number): number {
  const head = text.slice(Math.max(0, at - Math.max(LONGEST, ASCII_WINDOW)), at);
  let best = 0;
  const ascii = /[A-Za-z0-9_-]+$/.exec(head);
  if (ascii) best = ascii[0].length;
  for (let k = 1; k <= Math.min(LONGEST, head.length); k++)
    if (TERMS.has(head.slice(head.length - k))) best = Math.max(best, k);
  return best;
}

const TERMS: ReadonlySet<string> = new Set([...SPAM_STRONG, ...SPAM_GLUE]);
