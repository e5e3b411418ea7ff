// MongoDB server error codes that say "this write is wrong", whatever the state of the server. Any
// other failure (network, elections, timeouts, unknown codes) is treated as transient: retrying costs
// time, dead-lettering a valid event would lose it from the graph.
const PERMANENT_CODES = new Set([
  2, // BadValue
  9, // FailedToParse
  14, // TypeMismatch
  17, // ProtocolError
  28, // PathNotViable
  40, // ConflictingUpdateOperators
  52, // DollarPrefixedFieldName
  55, // InvalidDBRef
  56, // EmptyFieldName
  57, // DottedFieldName
  10334, // BSONObjectTooLarge
  17419, // document too large after update
  17280, // key too large to index
]);

/** Whether a database error could go away by itself, so the same write should be retried. */
export function isTransientDatabaseError(error: unknown): boolean {
  const codes = collectCodes(error);
  return codes.length === 0 || !codes.every((c) => PERMANENT_CODES.has(c));
}

// A bulk write error carries one code per failed operation; a plain server error carries one.
function collectCodes(error: unknown): number[] {
  if (error === null || typeof error !== 'object') return [];
  const e = error as { code?: unknown; writeErrors?: { code?: unknown }[]; name?: string };
  if (e.name === 'MongoNetworkError' || e.name === 'MongoServerSelectionError' || e.name === 'MongoNotConnectedError') return [];
  if (Array.isArray(e.writeErrors) && e.writeErrors.length > 0) {
    return e.writeErrors.map((w) => w.code).filter((c): c is number => typeof c === 'number');
  }
  return typeof e.code === 'number' ? [e.code] : [];
}
