/**
 * The database could not take a write now, but may later (down, unreachable, failing over): the one failure of
 * EventRecorder that its callers retry (the ingest's transport with backoff, committing nothing). Any other error
 * stops them.
 */
export class TransientFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(`transient failure: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TransientFailure';
  }
}
