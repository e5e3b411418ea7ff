/**
 * The database could not take a write now, but may later (down, unreachable, failing over): the one
 * failure of a handler the transport retries (with backoff, committing nothing). Any other error a
 * handler throws stops the ingest.
 */
export class TransientFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(`transient failure: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TransientFailure';
  }
}
