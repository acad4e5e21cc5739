/**
 * Just enough JavaScript reading to follow what listing pages do with links: string concatenation
 * (`'list_' + n + '.shtml'`), page-level `var` values, small page functions (`function goPage(n){…}`),
 * `if (n == 1) … else …`, `location.href = …`, `window.open(…)`, object literals (`jpage({…})`).
 * Nothing is executed: anything beyond these shapes (loops, ternaries, DOM reads) reads as unknown, and
 * the caller reports it instead of guessing.
 */

export interface Tok {
  t: 'str' | 'num' | 'id' | 'op';
  v: string;
  /** A template literal with `${…}`: its value is not known. */
  tpl?: boolean;
}

export type Val = string | number;
export type Env = ReadonlyMap<string, Val>;

/** A placeholder for an unknown value in symbolic evaluation (`"index_" + page + ".html"`). */
export const HOLE = '\u0001';

const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '=>'];

export function tokenize(code: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let lineStart = true;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '\n') {
      lineStart = true;
      i += 1;
      continue;
    }
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    // `//`, `/* */`, and the HTML-like comments old pages wrap scripts in (`<!--` … `//-->`).
    if (code.startsWith('//', i) || code.startsWith('<!--', i) || (lineStart && code.startsWith('-->', i))) {
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end;
      continue;
    }
    lineStart = false;
    if (code.startsWith('/*', i)) {
      const end = code.indexOf('*/', i + 2);
      i = end < 0 ? code.length : end + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let raw = '';
      while (j < code.length && code[j] !== c) {
        if (code[j] === '\\' && j + 1 < code.length) {
          raw += code.slice(j, j + 2);
          j += 2;
        } else {
          // An unterminated quote ends at the line (a browser would throw; we stop reading it).
          if (code[j] === '\n' && c !== '`') break;
          raw += code[j];
          j += 1;
        }
      }
      const tok: Tok = { t: 'str', v: unescapeJs(raw) };
      if (c === '`' && raw.includes('${')) tok.tpl = true;
      toks.push(tok);
      i = j + 1;
      continue;
    }
    const num = /^\d+(?:\.\d+)?/.exec(code.slice(i, i + 24));
    if (num) {
      toks.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(code.slice(i, i + 200));
    if (id) {
      toks.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => code.startsWith(o, i)) ?? c;
    toks.push({ t: 'op', v: op });
    i += op.length;
  }
  return toks;
}

function unescapeJs(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e.length > 1) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return (
      ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' } as Record<string, string>)[e] ?? e
    );
  });
}

const isOp = (tok: Tok | undefined, v: string): boolean => tok?.t === 'op' && tok.v === v;
const isId = (tok: Tok | undefined, v?: string): boolean =>
  tok?.t === 'id' && (v === undefined || tok.v === v);

/** Index just past the bracket that closes the one at `i` (`(`, `[` or `{`), or `toks.length`. */
export function closing(toks: readonly Tok[], i: number): number {
  const open = toks[i]?.v;
  const close = open === '(' ? ')' : open === '[' ? ']' : '}';
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const tok = toks[j]!;
    if (tok.t !== 'op') continue;
    if (tok.v === open) depth += 1;
    else if (tok.v === close) {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
  }
  return toks.length;
}

export interface EvalOptions {
  /** Unknown names read as HOLE instead of failing. */
  symbolic?: boolean;
  /** The expression is a ternary's condition: stop before its `?` (the caller reads the branches). */
  operand?: boolean;
}

type Result = { value: Val; next: number } | null;

/** Evaluates the expression starting at `i` (concatenation and arithmetic); null when it is not readable. */
export function evalExpr(toks: readonly Tok[], i: number, env: Env, options: EvalOptions = {}): Result {
  const first = term(toks, i, env, options);
  if (!first) return null;
  let { value, next } = first;
  while (isOp(toks[next], '+') || isOp(toks[next], '-')) {
    const op = toks[next]!.v;
    const rhs = term(toks, next + 1, env, options);
    if (!rhs) return null;
    const combined = combine(value, op, rhs.value, options);
    if (combined === null) return null;
    value = combined;
    next = rhs.next;
  }
  // A ternary or a comparison is beyond what we read.
  if (isOp(toks[next], '?') && !options.operand) return null;
  return { value, next };
}

function combine(a: Val, op: string, b: Val, options: EvalOptions): Val | null {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return `${a}${b}`;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return options.symbolic ? HOLE : null;
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? null : x / y;
    default:
      return y === 0 ? null : x % y;
  }
}

function term(toks: readonly Tok[], i: number, env: Env, options: EvalOptions): Result {
  const first = unary(toks, i, env, options);
  if (!first) return null;
  let { value, next } = first;
  while (isOp(toks[next], '*') || isOp(toks[next], '/') || isOp(toks[next], '%')) {
    const op = toks[next]!.v;
    const rhs = unary(toks, next + 1, env, options);
    if (!rhs) return null;
    const combined = combine(value, op, rhs.value, options);
    if (combined === null) return null;
    value = combined;
    next = rhs.next;
  }
  return { value, next };
}

function unary(toks: readonly Tok[], i: number, env: Env, options: EvalOptions): Result {
  if (isOp(toks[i], '-')) {
    const r = primary(toks, i + 1, env, options);
    if (!r) return null;
    const n = Number(r.value);
    return Number.isNaN(n)
      ? options.symbolic
        ? { value: HOLE, next: r.next }
        : null
      : { value: -n, next: r.next };
  }
  return primary(toks, i, env, options);
}

const PURE_CALLS: Record<string, (v: Val) => Val> = {
  String: (v) => String(v),
  Number: (v) => Number(v),
  parseInt: (v) => Number.parseInt(String(v), 10),
  encodeURIComponent: (v) => encodeURIComponent(String(v)),
  encodeURI: (v) => encodeURI(String(v)),
  escape: (v) => encodeURIComponent(String(v)),
};

function primary(toks: readonly Tok[], i: number, env: Env, options: EvalOptions): Result {
  const tok = toks[i];
  if (!tok) return null;
  if (tok.t === 'str') {
    if (tok.tpl) return options.symbolic ? { value: HOLE, next: i + 1 } : null;
    return { value: tok.v, next: i + 1 };
  }
  if (tok.t === 'num') return { value: Number(tok.v), next: i + 1 };
  if (isOp(tok, '(')) {
    const inner = evalExpr(toks, i + 1, env, options);
    if (!inner || !isOp(toks[inner.next], ')')) return options.symbolic ? skipGroup(toks, i) : null;
    return { value: inner.value, next: inner.next + 1 };
  }
  if (tok.t !== 'id' || tok.v === 'function' || tok.v === 'new') return null;
  const path = readPath(toks, i);
  if (!path) return null;
  if (isOp(toks[path.next], '(')) {
    const fn = PURE_CALLS[path.name];
    const arg = fn ? evalExpr(toks, path.next + 1, env, options) : null;
    if (fn && arg && isOp(toks[arg.next], ')')) return { value: fn(arg.value), next: arg.next + 1 };
    return options.symbolic ? { value: HOLE, next: closing(toks, path.next) } : null;
  }
  const known = env.get(path.name);
  if (known !== undefined) return { value: known, next: path.next };
  return options.symbolic ? { value: HOLE, next: path.next } : null;
}

function skipGroup(toks: readonly Tok[], i: number): Result {
  return { value: HOLE, next: closing(toks, i) };
}

/** A dotted name (`window.location.href`, `this.options[this.selectedIndex].value`) read as one key. */
export function readPath(toks: readonly Tok[], i: number): { name: string; next: number } | null {
  if (!isId(toks[i])) return null;
  let name = toks[i]!.v;
  let j = i + 1;
  for (;;) {
    if (isOp(toks[j], '.') && isId(toks[j + 1])) {
      name += `.${toks[j + 1]!.v}`;
      j += 2;
    } else if (isOp(toks[j], '[')) {
      const end = closing(toks, j);
      name += `[${toks
        .slice(j + 1, end - 1)
        .map((t) => t.v)
        .join('')}]`;
      j = end;
    } else return { name, next: j };
  }
}

export interface JsFunction {
  params: string[];
  body: Tok[];
}

/** Page functions: `function f(a){…}`, `var f = function(a){…}`, `f = function(a){…}`. */
export function collectFunctions(toks: readonly Tok[], into: Map<string, JsFunction>): void {
  for (let i = 0; i < toks.length; i++) {
    let name: string | null = null;
    let at = -1;
    if (isId(toks[i], 'function') && isId(toks[i + 1]) && isOp(toks[i + 2], '(')) {
      name = toks[i + 1]!.v;
      at = i + 2;
    } else if (
      isId(toks[i]) &&
      isOp(toks[i + 1], '=') &&
      isId(toks[i + 2], 'function') &&
      !isOp(toks[i - 1], '.')
    ) {
      name = toks[i]!.v;
      at = isOp(toks[i + 3], '(') ? i + 3 : isOp(toks[i + 4], '(') ? i + 4 : -1;
    }
    if (!name || at < 0) continue;
    const paramsEnd = closing(toks, at);
    const params = toks
      .slice(at + 1, paramsEnd - 1)
      .filter((t) => t.t === 'id')
      .map((t) => t.v);
    if (!isOp(toks[paramsEnd], '{')) continue;
    const bodyEnd = closing(toks, paramsEnd);
    into.set(name, { params, body: toks.slice(paramsEnd + 1, bodyEnd - 1) });
  }
}

/** Arguments of the call whose `(` is at `open`, as token ranges `[start, end)`. */
export function callArgs(toks: readonly Tok[], open: number): Array<[number, number]> {
  const end = closing(toks, open) - 1;
  const args: Array<[number, number]> = [];
  let start = open + 1;
  let depth = 0;
  for (let j = open + 1; j < end; j++) {
    const v = toks[j]!.t === 'op' ? toks[j]!.v : '';
    if (v === '(' || v === '[' || v === '{') depth += 1;
    else if (v === ')' || v === ']' || v === '}') depth -= 1;
    else if (v === ',' && depth === 0) {
      args.push([start, j]);
      start = j + 1;
    }
  }
  if (end > start) args.push([start, end]);
  return args;
}

/** The value of a whole argument range, or null when it is not a readable expression. */
export function evalRange(
  toks: readonly Tok[],
  [start, end]: [number, number],
  env: Env,
  options: EvalOptions = {},
): Val | null {
  const r = evalExpr(toks, start, env, options);
  return r && r.next === end ? r.value : null;
}

export type ObjVal = Val | boolean | { [key: string]: ObjVal } | null;

/** An object literal at `i` (`{a:1, b:'x', c:{…}}`); values it cannot read are null. */
export function parseObject(
  toks: readonly Tok[],
  i: number,
  env: Env,
): { obj: Record<string, ObjVal>; next: number } | null {
  if (!isOp(toks[i], '{')) return null;
  const end = closing(toks, i) - 1;
  const obj: Record<string, ObjVal> = {};
  let j = i + 1;
  while (j < end) {
    const key = toks[j];
    if (!key || !isOp(toks[j + 1], ':') || key.t === 'op') {
      j += 1;
      continue;
    }
    let k = j + 2;
    let value: ObjVal = null;
    if (isOp(toks[k], '{')) {
      const inner = parseObject(toks, k, env);
      value = inner ? inner.obj : null;
      k = inner ? inner.next : closing(toks, k);
    } else if (isId(toks[k], 'true') || isId(toks[k], 'false')) {
      value = toks[k]!.v === 'true';
      k += 1;
    } else {
      const r = evalExpr(toks, k, env);
      if (r && (isOp(toks[r.next], ',') || r.next === end)) {
        value = r.value;
        k = r.next;
      }
    }
    // Skip whatever could not be read (functions, arrays, expressions) up to the next member.
    let depth = 0;
    while (k < end) {
      const v = toks[k]!.t === 'op' ? toks[k]!.v : '';
      if (v === '(' || v === '[' || v === '{') depth += 1;
      else if (v === ')' || v === ']' || v === '}') depth -= 1;
      else if (v === ',' && depth === 0) break;
      k += 1;
    }
    obj[key.v] = value;
    j = k + 1;
  }
  return { obj, next: end + 1 };
}

/** Top-level `var|let|const name = value` declarations, read in order into `env`. */
export function readGlobals(toks: readonly Tok[], env: Map<string, Val>, at?: (i: number) => void): void {
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    at?.(i);
    const tok = toks[i]!;
    if (tok.t === 'op') {
      if (tok.v === '{') depth += 1;
      else if (tok.v === '}') depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0 || !(isId(tok, 'var') || isId(tok, 'let') || isId(tok, 'const'))) continue;
    let j = i + 1;
    while (isId(toks[j]) && isOp(toks[j + 1], '=')) {
      const r = evalExpr(toks, j + 2, env);
      if (!r) break;
      env.set(toks[j]!.v, r.value);
      j = r.next;
      if (!isOp(toks[j], ',')) break;
      j += 1;
    }
  }
}
