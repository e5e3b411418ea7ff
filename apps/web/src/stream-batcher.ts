/**
 * Holds rows that arrived and lets them through at most once per interval, so that a stream of 100,000 rows redraws
 * the table a few times a second rather than once per network chunk (each redraw rebuilds the table's row model over
 * every row so far: per chunk, that was a page frozen for over a second).
 */
export class StreamBatcher<T> {
  private pending: T[] = [];
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  /** Adds rows; answers the rows to show now, or undefined while the interval since the last hand-over runs. */
  add(rows: readonly T[], now: number): T[] | undefined {
    for (const r of rows) this.pending.push(r);
    if (now - this.last < this.intervalMs) return undefined;
    return this.take(now);
  }

  /** The rows held back (at the end of the stream, or when a timer fires), if any. */
  flush(now: number): T[] | undefined {
    return this.pending.length > 0 ? this.take(now) : undefined;
  }

  /** How long until the held rows are due, for a timer; undefined when nothing is held. */
  dueIn(now: number): number | undefined {
    return this.pending.length > 0 ? Math.max(0, this.intervalMs - (now - this.last)) : undefined;
  }

  private take(now: number): T[] {
    const out = this.pending;
    this.pending = [];
    this.last = now;
    return out;
  }
}
