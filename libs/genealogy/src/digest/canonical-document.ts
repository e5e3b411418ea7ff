/**
 * A stored document as canonical JSON: object members sorted by name (UTF-16 code units, as RFC 8785 does), no
 * whitespace, strings and numbers as JSON.stringify writes them, and every value with a `toJSON` written as what it
 * returns, as JSON.stringify does: a Date as its ISO 8601 instant, an ObjectId as its hex. Two documents with the same
 * content give the same text whatever order their fields were written in (the order upserts arrive in is not part of
 * the graph). Written here, not taken from @trace/reports (which imports this lib): that one refuses what JSON has no
 * word for, this one must write every document the database holds.
 */
export function canonicalDocument(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return JSON.stringify(value); // NaN and the infinities are null, as in JSON.stringify
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return 'null'; // functions and symbols: not data
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return canonicalDocument(withJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalDocument(v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined && typeof record[k] !== 'function')
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalDocument(record[k])}`);
  return `{${members.join(',')}}`;
}
