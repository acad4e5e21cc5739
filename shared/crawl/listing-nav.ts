import * as cheerio from 'cheerio';
import {
  callArgs,
  closing,
  type Env,
  evalExpr,
  evalRange,
  type JsFunction,
  readPath,
  type Tok,
  tokenize,
  type Val,
} from './listing-js.ts';
import { genericTitle, type Region, regionOf } from './listing-scan.ts';

/**
 * Where a piece of handler code (`javascript:` href, `onclick`, `onchange`, a page function it calls) sends
 * the browser. The shapes real portals use:
 *   location.href = 'index_2.html'            window.location = '…'; location.assign/replace('…')
 *   window.open('/art/2023/1/31/art_6924_1618518.html', '_blank')
 *   openWin('/art/…') / openUrl('…')          any call whose first argument is a literal URL
 *   goPage(3) with `function goPage(n){ location.href = 'list_' + n + '.shtml' }` on the page,
 *     including `if (n == 1) {…} else {…}` on the argument
 *   form.submit() / $.post / $.ajax           a POST nothing outside a browser can replay
 */
export type Nav =
  | { kind: 'url'; url: string }
  | { kind: 'post'; what: string }
  /** Navigation we recognise whose target is not readable (an unknown function, a computed value). */
  | { kind: 'unknown'; what: string }
  | null;

export interface JsContext {
  functions: ReadonlyMap<string, JsFunction>;
  globals: Env;
}

const URLISH =
  /^(https?:\/\/|\/|\.{1,2}\/)|\.(s?html?|jsp|aspx?|php|do|action|pdf|docx?|xlsx?|wps|ofd|zip|rar)([?#]|$)/i;

/** A string that reads as a link target (a path, a URL, a file name with a page or document extension). */
export function looksLikeUrl(s: string): boolean {
  const v = s.trim();
  return v.length > 0 && !/\s/.test(v) && !/^(javascript|mailto|tel):/i.test(v) && URLISH.test(v);
}

const LOCATION = /^((window|self|top|parent|document)\.)*location(\.href)?$/;
const LOCATION_CALL = /^((window|self|top|parent|document)\.)*location\.(assign|replace)$/;
const OPEN = /^((window|self|top|parent)\.)?open$/;
const POST = /(^|\.)submit$|^(\$|jQuery)\.(post|ajax)$|^fetch$|^axios(\.post)?$/;

/** The navigation of a handler (`javascript:` body or event attribute), with `extra` names bound. */
export function navigationOf(code: string, ctx: JsContext, extra?: ReadonlyMap<string, Val>): Nav {
  const body = code.replace(/^\s*javascript:/i, '');
  const toks = tokenize(body);
  const env = extra ? new Map([...ctx.globals, ...extra]) : ctx.globals;
  return exec(toks, 0, toks.length, env, ctx, 0);
}

function exec(toks: readonly Tok[], from: number, to: number, env: Env, ctx: JsContext, depth: number): Nav {
  let i = from;
  while (i < to) {
    const tok = toks[i]!;
    if (tok.t === 'id' && tok.v === 'if' && toks[i + 1]?.v === '(') {
      const end = stmtEnd(toks, i, to);
      const nav = execIf(toks, i, end, env, ctx, depth);
      if (nav) return nav;
      i = end;
      continue;
    }
    if (tok.t === 'id' && tok.v === 'function') {
      // A nested definition is not run here.
      let j = i + 1;
      while (j < to && toks[j]!.v !== '(') j += 1;
      j = closing(toks, j);
      i = toks[j]?.v === '{' ? closing(toks, j) : j;
      continue;
    }
    const path = tok.t === 'id' && toks[i - 1]?.v !== '.' ? readPath(toks, i) : null;
    if (!path) {
      i += 1;
      continue;
    }
    const next = toks[path.next];
    if (LOCATION.test(path.name) && next?.t === 'op' && next.v === '=') {
      const r = evalValue(toks, path.next + 1, env);
      if (r && typeof r.value === 'string' && ends(toks, r.next, to)) return { kind: 'url', url: r.value };
      return { kind: 'unknown', what: `${path.name} = …` };
    }
    if (/^(var|let|const)$/.test(path.name) && toks[i + 1]?.t === 'id' && toks[i + 2]?.v === '=') {
      // A local the handler builds its URL in (`var u = n > 1 ? … : …; location.href = u`).
      const r = evalValue(toks, i + 3, env);
      const read = r !== null && ends(toks, r.next, to);
      const local = new Map(env);
      if (read) local.set(toks[i + 1]!.v, r.value);
      else local.delete(toks[i + 1]!.v);
      // An expression we cannot read may still navigate (`var w = window.open('…')`): read on from it.
      return exec(toks, read ? r.next : i + 3, to, local, ctx, depth);
    }
    if (next?.t === 'op' && next.v === '(') {
      const nav = execCall(toks, path.name, path.next, env, ctx, depth);
      if (nav) return nav;
    }
    i = path.next;
  }
  return null;
}

function execCall(
  toks: readonly Tok[],
  name: string,
  open: number,
  env: Env,
  ctx: JsContext,
  depth: number,
): Nav {
  const args = callArgs(toks, open);
  if (LOCATION_CALL.test(name) || OPEN.test(name)) {
    const first = args[0] ? evalRange(toks, args[0], env) : null;
    return typeof first === 'string' ? { kind: 'url', url: first } : { kind: 'unknown', what: `${name}(…)` };
  }
  if (POST.test(name)) return { kind: 'post', what: `${name}()` };
  const fn = ctx.functions.get(name);
  if (fn && depth < 4) {
    const bound = new Map(ctx.globals);
    for (const [k, [start, end]] of args.entries()) {
      const value = evalRange(toks, [start, end], env);
      if (value === null)
        return { kind: 'unknown', what: `${name}() called with an argument we cannot read` };
      const param = fn.params[k];
      if (param) bound.set(param, value);
    }
    const nav = exec(fn.body, 0, fn.body.length, bound, ctx, depth + 1);
    if (nav?.kind === 'unknown') return { kind: 'unknown', what: `${name}(): ${nav.what}` };
    return nav;
  }
  // A function defined elsewhere (an external script) handed a literal URL: `openWin('/art/…')`.
  const first = args[0] ? evalRange(toks, args[0], env) : null;
  if (typeof first === 'string' && looksLikeUrl(first)) return { kind: 'url', url: first };
  return null;
}

function execIf(toks: readonly Tok[], i: number, end: number, env: Env, ctx: JsContext, depth: number): Nav {
  const condEnd = closing(toks, i + 1);
  const cond = evalCondition(toks, i + 2, condEnd - 1, env);
  const thenEnd = stmtEnd(toks, condEnd, end);
  const hasElse = toks[thenEnd]?.t === 'id' && toks[thenEnd]!.v === 'else';
  const run = (from: number, to: number): Nav => {
    const [a, b] = toks[from]?.v === '{' ? [from + 1, to - 1] : [from, to];
    return exec(toks, a, b, env, ctx, depth);
  };
  if (cond === true) return run(condEnd, thenEnd);
  if (cond === false) return hasElse ? run(thenEnd + 1, end) : null;
  const either = run(condEnd, thenEnd) ?? (hasElse ? run(thenEnd + 1, end) : null);
  return either ? { kind: 'unknown', what: 'navigation under a condition we cannot read' } : null;
}

/** End (exclusive) of the statement starting at `i`: a block, an if/else chain, or up to `;`. */
function stmtEnd(toks: readonly Tok[], i: number, limit: number): number {
  const tok = toks[i];
  if (!tok) return limit;
  if (tok.v === '{') return Math.min(closing(toks, i), limit);
  if (tok.t === 'id' && tok.v === 'if' && toks[i + 1]?.v === '(') {
    const thenEnd = stmtEnd(toks, closing(toks, i + 1), limit);
    return toks[thenEnd]?.v === 'else' ? stmtEnd(toks, thenEnd + 1, limit) : thenEnd;
  }
  let depth = 0;
  for (let j = i; j < limit; j++) {
    const t = toks[j]!;
    if (t.t === 'op' && (t.v === '(' || t.v === '[' || t.v === '{')) depth += 1;
    else if (t.t === 'op' && (t.v === ')' || t.v === ']' || t.v === '}')) {
      if (depth === 0) return j;
      depth -= 1;
    } else if (depth === 0 && t.t === 'op' && t.v === ';') return j + 1;
    else if (depth === 0 && t.t === 'id' && t.v === 'else') return j;
  }
  return limit;
}

const COMPARE = new Set(['==', '===', '!=', '!==', '<', '>', '<=', '>=']);

/** Whether an expression ending at `i` ends its statement (so nothing after it changes its value). */
function ends(toks: readonly Tok[], i: number, to: number): boolean {
  return i >= to || [';', '}', ')'].includes(toks[i]!.v);
}

/** An expression, or a conditional one on a comparison (`n == 1 ? 'index.html' : 'index_' + (n-1) + '.html'`). */
function evalValue(toks: readonly Tok[], i: number, env: Env): { value: Val; next: number } | null {
  const left = evalExpr(toks, i, env);
  if (!left) return null;
  const op = toks[left.next];
  if (op?.t !== 'op' || !COMPARE.has(op.v)) return left;
  const right = evalExpr(toks, left.next + 1, env, { operand: true });
  if (!right || toks[right.next]?.v !== '?') return null;
  const yes = evalValue(toks, right.next + 1, env);
  if (!yes || toks[yes.next]?.v !== ':') return null;
  const no = evalValue(toks, yes.next + 1, env);
  if (!no) return null;
  return { value: compare(left.value, op.v, right.value) ? yes.value : no.value, next: no.next };
}

function evalCondition(toks: readonly Tok[], from: number, to: number, env: Env): boolean | null {
  const left = evalExpr(toks, from, env);
  if (!left) return null;
  if (left.next === to) return Boolean(left.value);
  const op = toks[left.next];
  if (op?.t !== 'op' || !COMPARE.has(op.v)) return null;
  const right = evalExpr(toks, left.next + 1, env);
  if (!right || right.next !== to) return null;
  return compare(left.value, op.v, right.value);
}

function compare(a: Val, op: string, b: Val): boolean {
  const loose = typeof a === 'number' || typeof b === 'number' ? Number(a) === Number(b) : a === b;
  switch (op) {
    case '==':
    case '===':
      return loose;
    case '!=':
    case '!==':
      return !loose;
    case '<':
      return Number(a) < Number(b);
    case '>':
      return Number(a) > Number(b);
    case '<=':
      return Number(a) <= Number(b);
    default:
      return Number(a) >= Number(b);
  }
}

/** The function a handler calls (`goPage()`), if any. */
export function handlerName(code: string): string | null {
  const m = /([A-Za-z_$][\w$.]*)\s*\(/.exec(code.replace(/^\s*javascript:/i, ''));
  return m && m[1] !== 'void' ? `${m[1]}()` : null;
}

/** Why a pagination control with no URL stays unread, in words an admin can act on. */
export function stuckReason(
  c: { code: string | null; deadHref?: string | null; text: string },
  nav: Nav,
): string {
  const name = handlerName(c.code ?? '');
  if (nav?.kind === 'post') return `script pagination ${name ?? nav.what} needs POST`;
  if (name) return `script pagination ${name} with no resolvable URL`;
  const how = (c.code ?? c.deadHref)?.replace(/\s+/g, ' ').trim().slice(0, 40) || 'no href';
  return `script pagination control "${c.text.replace(/\s+/g, ' ').trim()}" (${how}) with no resolvable URL`;
}

/** Links as a registry selector picks them (the document tree, cheerio), handler code resolved as above. */
export function selectorLinks(
  html: string,
  selector: string,
  ctx: JsContext,
  resolve: (href: string | null) => string | null,
): Array<{ url: string; title: string; region: Region; via: 'href' | 'script' }> {
  const $ = cheerio.load(html);
  const links: Array<{ url: string; title: string; region: Region; via: 'href' | 'script' }> = [];
  $(selector).each((_, el) => {
    const node = $(el);
    let region: Region = 'content';
    for (const parent of node.parents().toArray().reverse()) {
      if (parent.type !== 'tag') continue;
      region = regionOf(parent.name, parent.attribs) ?? region;
    }
    const attr = node.attr('title')?.trim();
    const title = attr && !genericTitle(attr) ? attr : node.text();
    const href = node.attr('href') ?? null;
    const js = href && /^javascript:/i.test(href.trim()) ? href : null;
    const dead = !href?.trim() || href.trim().startsWith('#') || js !== null;
    const code = dead ? (node.attr('onclick') ?? js) : null;
    const nav = code ? navigationOf(code, ctx) : null;
    const url = resolve(dead ? (nav?.kind === 'url' ? nav.url : null) : href);
    if (url) links.push({ url, title, region, via: dead ? 'script' : 'href' });
  });
  return links;
}
