import { type Provenance, storedProvenance } from '../facts/provenance';

/**
 * A stored document as canonical JSON: object members sorted by name (UTF-16 code units, as RFC 8785 does), no
 * whitespace, strings and numbers as JSON.stringify writes them, and every value with a `toJSON` written as what it
 * returns, as JSON.stringify does: a Date as its ISO 8601 instant, an ObjectId as its hex. Two documents with the same
 * content give the same text whatever order their fields were written in (the order upserts arrive in is not part of
 * the graph). Written here, not taken from @trace/reports (which imports this lib): that one refuses what JSON has no
 * word for, this one must write every document the database holds. A fact's provenance (`prov`) is written in one form
 * whichever it is stored in: as the string storedProvenance gives, so a graph written before the provenance was one
 * string and its rebuild by this version hash the same when they hold the same facts.
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
    .map((k) => `${JSON.stringify(k)}:${canonicalDocument(k === 'prov' ? provenanceInOneForm(record[k]) : record[k])}`);
  return `{${members.join(',')}}`;
}

const PROVENANCE_FIELDS = ['eventId', 'type', 'source', 'occurredAt', 'topic', 'partition', 'offset'];

/** A stored provenance as the string it would be stored as now (the object where it stays one); anything else as it is. */
function provenanceInOneForm(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  return keys.length === PROVENANCE_FIELDS.length && PROVENANCE_FIELDS.every((f) => keys.includes(f)) ? storedProvenance(value as Provenance) : value;
}
