import { createHash } from 'node:crypto';

/**
 * The canonical JSON form every hash of the evidence chain is taken over: RFC 8785 (JSON Canonicalization
 * Scheme). Object members sorted by their names' UTF-16 code units, no whitespace, strings escaped as
 * `JSON.stringify` escapes them, numbers in ECMAScript's shortest round-trip form, `undefined` members
 * dropped (as JSON has no undefined). docs/evidence.md, "Canonical form".
 *
 * @throws TypeError for a value JSON cannot carry (a non-finite number, a bigint, a function).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        // Plain code-unit comparison, as RFC 8785 §3.2.3 asks (not localeCompare).
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON: a ${typeof value} is not a JSON value`);
  }
}

/** sha256 of a value's canonical JSON (UTF-8), lowercase hex. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/** Lowercase hex sha256 of bytes or a UTF-8 string. */
export function sha256Of(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
