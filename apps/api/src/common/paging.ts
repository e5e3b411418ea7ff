import { BadRequestException } from '@nestjs/common';
import { RowPosition, RowPositionNotFound } from '@trace/genealogy';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// An opaque cursor: the position in the answer's stable order, signed with a server secret over the
// query it came from, the caller it was made for and the position itself. A cursor pasted into another
// query, used by another caller, or edited by hand is refused (400) instead of silently skipping rows
// or revealing anything. Several API instances behind one address share CURSOR_SECRET.
interface CursorBody {
  v: 3;
  p: unknown;
  m: string;
}

const MALFORMED = 'cursor is malformed: pass back the nextCursor of a previous page unchanged';

/**
 * Signs and checks paging cursors with CURSOR_SECRET (a random secret per process when it is not set): one instance
 * per app, built from the validated environment (CommonModule).
 */
export class CursorSigner {
  private readonly secret: Buffer;

  constructor(secret?: string) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  /** The cursor of the page that starts at `position` (any JSON value) of `query`'s answer (query includes the caller). */
  encode(query: unknown, position: unknown): string {
    const body: CursorBody = { v: 3, p: position, m: this.mac(query, position) };
    return Buffer.from(JSON.stringify(body)).toString('base64url');
  }

  /** The position a cursor stands for (undefined without one); a 400 when it is malformed, edited, or made for another query or caller. */
  decode<P>(cursor: string | undefined, query: unknown, isPosition: (p: unknown) => p is P): P | undefined {
    if (cursor === undefined) return undefined;
    let body: Partial<CursorBody>;
    try {
      body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
    } catch {
      throw new BadRequestException(MALFORMED);
    }
    if (body === null || typeof body !== 'object' || body.v !== 3 || typeof body.m !== 'string' || !isPosition(body.p)) throw new BadRequestException(MALFORMED);
    const expected = Buffer.from(this.mac(query, body.p));
    const given = Buffer.from(body.m);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new BadRequestException('cursor is not valid for this query and caller: pass back the nextCursor of a previous page unchanged');
    }
    return body.p;
  }

  private mac(query: unknown, position: unknown): string {
    return createHmac('sha256', this.secret).update(JSON.stringify([query, position])).digest('base64url').slice(0, 22);
  }
}

/** Where a page of a where-used answer starts: the row position in its stable order, and the rows before it. */
export interface PagePosition {
  at: RowPosition;
  rowsBefore: number;
}

export const isPagePosition = (p: unknown): p is PagePosition => {
  const x = p as Partial<PagePosition> | null;
  const at = x?.at as Partial<RowPosition> | undefined;
  return (
    typeof x === 'object' && x !== null && Number.isSafeInteger(x.rowsBefore) && (x.rowsBefore as number) >= 0 &&
    typeof at === 'object' && at !== null && typeof at.bucket === 'string' && typeof at.serial === 'string' && Number.isSafeInteger(at.skip) && (at.skip as number) >= 0
  );
};

/** A page of rows read by position, the position of the next page (absent on the last one), and the total when known. */
export interface PositionedPage<T> {
  items: T[];
  next?: PagePosition;
  /** Rows of the whole answer: when asked for, or on the last page (the rows before it plus its own). */
  total?: number;
}

const samePosition = (a: RowPosition, b: RowPosition): boolean => a.bucket === b.bucket && a.serial === b.serial && a.skip === b.skip;

/**
 * One page of an answer read by position. Without `total`, reads from the page's position to one row past it (asking
 * `rowsFrom` for that many rows), so page k costs what page 1 costs. With `total`, reads the whole answer once (each
 * row seen by `visit`: counts over the whole answer), keeping the page's rows when it passes the position.
 */
export async function pageByPosition<T>(
  rowsFrom: (from?: RowPosition, wanted?: number) => AsyncIterable<{ row: T; next: RowPosition }>,
  start: PagePosition | undefined,
  limit: number,
  options: { total: boolean; visit?: (row: T) => void },
): Promise<PositionedPage<T>> {
  try {
    return await readPage(rowsFrom, start, limit, options);
  } catch (error) {
    if (error instanceof RowPositionNotFound) throw new BadRequestException('cursor is no longer in the answer (it changed since): start again from the first page');
    throw error;
  }
}

async function readPage<T>(
  rowsFrom: (from?: RowPosition, wanted?: number) => AsyncIterable<{ row: T; next: RowPosition }>,
  start: PagePosition | undefined,
  limit: number,
  options: { total: boolean; visit?: (row: T) => void },
): Promise<PositionedPage<T>> {
  const items: T[] = [];
  let next: PagePosition | undefined;
  const rowsBefore = start?.rowsBefore ?? 0;
  if (!options.total) {
    let last: RowPosition | undefined;
    // The page's rows and one past them, which tells whether there is a next page.
    for await (const { row, next: after } of rowsFrom(start?.at, limit + 1)) {
      if (items.length === limit) {
        next = { at: last!, rowsBefore: rowsBefore + limit };
        break;
      }
      items.push(row);
      last = after;
    }
    return { items, ...(next ? { next } : { total: rowsBefore + items.length }) };
  }
  let total = 0;
  let inPage = start === undefined;
  let last: RowPosition | undefined;
  for await (const { row, next: after } of rowsFrom()) {
    total++;
    options.visit?.(row);
    if (inPage) {
      if (items.length < limit) {
        items.push(row);
        last = after;
      } else next ??= { at: last!, rowsBefore: rowsBefore + limit };
    } else if (samePosition(after, start!.at)) inPage = true;
  }
  if (!inPage) throw new RowPositionNotFound(start!.at);
  return { items, ...(next ? { next } : {}), total };
}
