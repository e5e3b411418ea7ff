import type { Response } from 'express';
import { ITEMS_LOCAL } from './auth/access-log.middleware';

export const NDJSON = 'application/x-ndjson';
const NDJSON_CHUNK = 64 * 1024;

/** Whole NDJSON lines (each ending in a newline) and how many. */
export interface NdjsonChunk {
  text: string;
  rows: number;
}

/** Whether the caller asked for the streaming form: `?format=ndjson`, or an Accept header naming NDJSON. */
export function wantsNdjson(format: string | undefined, accept: string | undefined): boolean {
  return format === 'ndjson' || (format === undefined && (accept ?? '').split(',').some((a) => a.trim().startsWith(NDJSON)));
}

/**
 * Writes rows as NDJSON (one JSON object a line) as they are read, waiting when the client reads slower
 * than the database answers: memory stays bounded whatever the size of the answer. A failure after the
 * first byte cannot become an error status any more, so it aborts the response (before it, it throws): the client sees a
 * truncated body, never a complete-looking one. `json` writes one row (default JSON.stringify); a row shape the answer
 * knows may bring a builder of its own that gives the same bytes faster (whereUsedRowJson).
 */
export function writeNdjson<R>(res: Response, rows: AsyncIterable<R>, json: (row: R) => string = JSON.stringify): Promise<void> {
  return writeNdjsonChunks(res, chunksOf(rows, json));
}

// Lines go out in chunks of about 64 KB, not one write each: a 100,000-row answer is a few thousand writes, not
// 100,000 (each a trip through the HTTP stream and its backpressure check).
async function* chunksOf<R>(rows: AsyncIterable<R>, json: (row: R) => string): AsyncGenerator<NdjsonChunk> {
  let text = '';
  let count = 0;
  for await (const row of rows) {
    text += json(row) + '\n';
    count++;
    if (text.length >= NDJSON_CHUNK) {
      yield { text, rows: count };
      text = '';
      count = 0;
    }
  }
  if (count > 0) yield { text, rows: count };
}

/**
 * Writes chunks of whole NDJSON lines (an answer that writes its own lines: WhereUsed.lines) as they come, as writeNdjson
 * does rows: waiting while the client is slower, and stopping the source (its generator returned) once the client is gone.
 */
export async function writeNdjsonChunks(res: Response, chunks: AsyncIterable<NdjsonChunk>): Promise<void> {
  res.status(200).setHeader('Content-Type', `${NDJSON}; charset=utf-8`);
  res.setHeader('Cache-Control', 'no-store');
  res.locals[ITEMS_LOCAL] = 0; // @Res() bypasses ItemCountInterceptor: the access log gets the rows written
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return; // the client went away: stop reading the database
      res.locals[ITEMS_LOCAL] = (res.locals[ITEMS_LOCAL] as number) + chunk.rows;
      if (!res.write(chunk.text)) await drainOrClose(res);
    }
    res.end();
  } catch (error) {
    if (!res.headersSent) throw error; // nothing sent yet: the usual error answer still can be
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Resolves when the response can take more, or is gone. Both listeners are removed either way: racing two `once`
 * promises left one listener behind per wait, and a slow reader piled them up (MaxListenersExceededWarning).
 */
function drainOrClose(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Sends a page as JSON from a @Res() handler, counting its items for the access log as ItemCountInterceptor would. */
export function sendPage(res: Response, page: { items: unknown[] }): void {
  res.locals[ITEMS_LOCAL] = page.items.length;
  res.json(page);
}

/**
 * What a use case with a streaming form answers: one page (JSON), or every row, read lazily (NDJSON), as rows or as
 * chunks of lines the answer wrote itself.
 */
export type PagedAnswer<P extends { items: unknown[] }, R> = { page: P } | { rows: AsyncIterable<R>; json?: (row: R) => string } | { lines: AsyncIterable<NdjsonChunk> };

/** Writes a use case's answer from a @Res() handler: the page as JSON, or the rows as NDJSON. */
export async function sendAnswer<P extends { items: unknown[] }, R>(res: Response, answer: PagedAnswer<P, R>): Promise<void> {
  if ('lines' in answer) return writeNdjsonChunks(res, answer.lines);
  if ('rows' in answer) return writeNdjson(res, answer.rows, answer.json);
  sendPage(res, answer.page);
}

/** A file answered as it is read (a stored report), with its headers and the items it counts for the access log. */
export interface StreamedFile {
  headers: Record<string, string>;
  items: number;
  chunks: AsyncIterable<Buffer>;
}

/** Writes a streamed file from a @Res() handler, waiting when the client reads slower than the chunks arrive. */
export async function sendFile(res: Response, file: StreamedFile): Promise<void> {
  res.locals[ITEMS_LOCAL] = file.items;
  res.status(200).set(file.headers);
  for await (const chunk of file.chunks) {
    if (!res.write(chunk)) await drainOrClose(res);
  }
  res.end();
}
