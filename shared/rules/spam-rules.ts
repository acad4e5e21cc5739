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
function runSpamInjection({ report, body }: RuleContext): Finding[] {
  const view = viewOf(report);
  const remit = [body?.name, report.issuer.name, report.title].filter(Boolean).join(' ');
  const spans = injectedSpans(view, remit);
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

/**
 * Enforcement words anywhere in the term's clause (before or after it): "对金海岸娱乐城超时经营…作出罚款处罚",
 * "“六合彩”等非法赌博专项整治行动" report a crackdown on the thing the term names.
 */
const ENFORCEMENT =
  /打击|整治|查处|处罚|罚款|取缔|非法|违法|违规|专项行动|治理|严打|整顿|执法|侦破|立案|收缴|查获|举报|清理|防范|涉嫌|警示|曝光/;
/** Service terms a body's own remit explains: a tax bureau issuing invoices on a taxpayer's behalf. */
const REMIT: ReadonlyArray<{ term: RegExp; body: RegExp }> = [{ term: /^代开发票$/, body: /税务/ }];

/**
 * Whether a lone term (not widened by glue or ASCII, which an injected name always is: `澳門賭場_皇冠体育官网`)
 * is the report speaking about it: inside quotation marks, in a clause with enforcement words, or a service
 * of the body's own remit.
 */
function spokenOf(text: string, hit: { start: number; end: number }, remit: string): boolean {
  const term = text.slice(hit.start, hit.end);
  if (REMIT.some((r) => r.term.test(term) && r.body.test(remit))) return true;
  const before = text.slice(Math.max(0, hit.start - 60), hit.start);
  const after = text.slice(hit.end, hit.end + 60);
  const clauseBefore = before.slice(before.search(/[^。,，;；!?！？\n]*$/));
  const stop = after.search(/[。,，;；!?！？\n]/);
  const clauseAfter = stop < 0 ? after : after.slice(0, stop);
  if (ENFORCEMENT.test(clauseBefore) || ENFORCEMENT.test(clauseAfter)) return true;
  const quoted = (open: string, close: string): boolean => {
    const o = clauseBefore.lastIndexOf(open);
    return o >= 0 && clauseBefore.indexOf(close, o) < 0 && clauseAfter.includes(close);
  };
  return quoted('“', '”') || quoted('《', '》') || quoted('"', '"');
}

export function injectedSpans(view: TextView, remit = ''): Array<{ start: number; end: number }> {
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
    if (span.start === hit.start && span.end === hit.end && spokenOf(lower, hit, remit)) {
      from = hit.end;
      continue;
    }
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
