/**
 * Splits NDJSON text arriving in arbitrary chunks into parsed values: a line may be cut anywhere (even inside a
 * multi-byte character, which the TextDecoder in `readNdjson` keeps whole), blank lines and CRLF are fine, and
 * a line that is not JSON is an error naming its line number, never a silently dropped row.
 */
export class NdjsonDecoder<T = unknown> {
  private rest = '';
  private line = 0;

  /** The values completed by this chunk. */
  push(chunk: string): T[] {
    return this.parse(this.lines(chunk));
  }

  /** The lines completed by this chunk, not yet parsed: hand them to `parse` in order, in as many pieces as suits. */
  lines(chunk: string): string[] {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    return lines;
  }

  /** The last value, when the stream ended without a final newline. */
  end(): T[] {
    const last = this.rest;
    this.rest = '';
    return this.parse([last]);
  }

  /** The values of the next lines of the stream (blank ones skipped). */
  parse(lines: readonly string[]): T[] {
    const values: T[] = [];
    for (const raw of lines) {
      this.line += 1;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line) as T);
      } catch {
        throw new Error(`line ${this.line} of the stream is not JSON: ${line.slice(0, 80)}`);
      }
    }
    return values;
  }
}

/** Lines parsed between two calls of `readNdjson`'s `pause`: a few milliseconds of work. */
const PIECE = 250;

/**
 * Reads an NDJSON body, handing over the rows as they arrive (one call per piece of at most PIECE lines, not per
 * row). Between pieces it awaits `pause` when that answers a promise, so that a caller can give the page its frames
 * (see `framePacer`); without one, a body already buffered is read and parsed in one go.
 */
export async function readNdjson<T>(body: ReadableStream<Uint8Array>, onRows: (rows: T[]) => void, { signal, pause }: { signal?: AbortSignal; pause?: () => Promise<void> | undefined } = {}): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines = new NdjsonDecoder<T>();
  const hand = async (text: string): Promise<boolean> => {
    const complete = lines.lines(text);
    for (let i = 0; i < complete.length; i += PIECE) {
      const rows = lines.parse(complete.slice(i, i + PIECE));
      if (rows.length > 0) onRows(rows);
      const wait = pause?.();
      if (wait) await wait;
      if (signal?.aborted) return false;
    }
    return true;
  };
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { done, value } = await reader.read();
      if (done) break;
      if (!(await hand(decoder.decode(value, { stream: true })))) return;
    }
    if (!(await hand(decoder.decode()))) return;
    const rows = lines.end();
    if (rows.length > 0) onRows(rows);
  } finally {
    reader.releaseLock();
  }
}

/**
 * A `pause` for `readNdjson` that lets the page draw: once `budgetMs` of work has run since the last frame, it waits
 * for the next animation frame to be drawn. Network chunks of a fast stream arrive faster than they are parsed, and
 * their reads resolve as microtasks, so without it the parsing of a 100,000-row answer held the main thread for
 * 100-300 ms at a time (bench/web.bench.ts). In a hidden page there are no frames to give: it does not wait.
 */
export function framePacer(budgetMs: number, now: () => number = () => performance.now()): () => Promise<void> | undefined {
  let since = now();
  return () => {
    if (now() - since < budgetMs || document.visibilityState === 'hidden') return undefined;
    return new Promise<void>((resolve) => {
      const go = (): void => {
        document.removeEventListener('visibilitychange', go);
        since = now();
        resolve();
      };
      document.addEventListener('visibilitychange', go);
      // After the frame: requestAnimationFrame runs before it is drawn, the timer once it is.
      requestAnimationFrame(() => setTimeout(go, 0));
    });
  };
}
