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
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return this.parse(lines);
  }

  /** The last value, when the stream ended without a final newline. */
  end(): T[] {
    const last = this.rest;
    this.rest = '';
    return this.parse([last]);
  }

  private parse(lines: string[]): T[] {
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

/** Reads an NDJSON body, handing over the rows of each chunk as they arrive (one call per chunk, not per row). */
export async function readNdjson<T>(body: ReadableStream<Uint8Array>, onRows: (rows: T[]) => void, signal?: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines = new NdjsonDecoder<T>();
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { done, value } = await reader.read();
      if (done) break;
      const rows = lines.push(decoder.decode(value, { stream: true }));
      if (rows.length > 0) onRows(rows);
    }
    const rows = [...lines.push(decoder.decode()), ...lines.end()];
    if (rows.length > 0) onRows(rows);
  } finally {
    reader.releaseLock();
  }
}
