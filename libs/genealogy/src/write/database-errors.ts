/**
 * What a failed graph write means for the batch:
 * - `transient`: the database cannot take the write now but may later (down, unreachable, failing over,
 *   a race of two upserts): retry the batch, commit nothing.
 * - `refused`: the server said this write is wrong, whatever its state: set the event aside.
 * - `unexpected`: anything else (a bug of ours, a driver misuse, a server error we do not know): a retry
 *   cannot be trusted to fix it and dead-lettering might set aside every event, so the ingest stops loudly.
 */
export type DatabaseFailure = 'transient' | 'refused' | 'unexpected';

// Driver errors that say the server was not reachable or not usable at that moment.
const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoServerClosedError',
  'MongoOperationTimeoutError',
  'MongoStalePrimaryError',
]);
// Labels the server or the driver puts on errors worth a retry (a refused connection has the last two).
const TRANSIENT_LABELS = ['RetryableWriteError', 'ResetPool', 'TransientTransactionError', 'RetryableError', 'SystemOverloadedError'];

// Server codes of elections, shutdowns, timeouts and write races (the driver's own retryable set, plus more).
const TRANSIENT_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  24, // LockTimeout
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed / WriteConcernTimeout
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11000, // DuplicateKey: two upserts of one new _id at once (the graph has no other unique index); the retry finds it
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

// Server codes that say "this write is wrong", whatever the state of the server.
const REFUSED_CODES = new Set([
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

/** Classifies an error of a graph write (see DatabaseFailure). */
export function classifyDatabaseError(error: unknown): DatabaseFailure {
  if (error === null || typeof error !== 'object') return 'unexpected';
  const e = error as { name?: unknown; message?: unknown; errorLabels?: unknown; hasErrorLabel?: (l: string) => boolean };
  const name = typeof e.name === 'string' ? e.name : '';
  if (TRANSIENT_NAMES.has(name)) return 'transient';
  const labels = Array.isArray(e.errorLabels) ? (e.errorLabels as unknown[]) : [];
  if (TRANSIENT_LABELS.some((l) => labels.includes(l) || (typeof e.hasErrorLabel === 'function' && e.hasErrorLabel(l)))) return 'transient';
  if (name === 'MongoBulkWriteError' && wrapsUnreachableServer(error)) return 'transient';
  const codes = collectCodes(error);
  if (codes.some((c) => TRANSIENT_CODES.has(c))) return 'transient';
  if (codes.length > 0 && codes.every((c) => REFUSED_CODES.has(c))) return 'refused';
  // The driver refuses a document over the server's BSON limit before sending it.
  if (name.startsWith('Mongo') && typeof e.message === 'string' && /larger than the maximum size/i.test(e.message)) return 'refused';
  return 'unexpected';
}

// A bulk write that failed before reaching the server carries the fields of the driver's error, not its
// class: a network error's connectionGeneration/beforeHandshake, a server selection error's reason (the
// topology it saw). Both seen with the stand-in stopped under a connected client.
function wrapsUnreachableServer(error: object): boolean {
  const e = error as { connectionGeneration?: unknown; beforeHandshake?: unknown; reason?: unknown };
  if (e.connectionGeneration !== undefined || e.beforeHandshake !== undefined) return true;
  return typeof e.reason === 'object' && e.reason !== null && 'servers' in e.reason;
}

// A bulk write error carries one code per failed operation and maybe a write concern error; a plain server error one.
function collectCodes(error: object): number[] {
  const e = error as { code?: unknown; writeErrors?: { code?: unknown }[]; writeConcernError?: { code?: unknown } };
  const codes = [e.code, ...(Array.isArray(e.writeErrors) ? e.writeErrors.map((w) => w.code) : []), e.writeConcernError?.code];
  return codes.filter((c): c is number => typeof c === 'number');
}
