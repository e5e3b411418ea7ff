/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme) of a JSON value: object members sorted by their names'
 * UTF-16 code units, no whitespace, strings and numbers as ECMAScript's JSON.stringify writes them. Two equal
 * values always give the same bytes, which is what a signature over a JSON document needs.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no ${typeof value}`);
}
