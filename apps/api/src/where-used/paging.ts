import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';

// An opaque cursor: the position in the answer's stable order, bound to the query it came from, so a
// cursor pasted into another query is refused instead of silently skipping rows.
interface CursorBody {
  v: 1;
  q: string;
  o: number;
}

const fingerprint = (query: unknown): string => createHash('sha1').update(JSON.stringify(query)).digest('base64url').slice(0, 12);

/** The cursor of the page that starts after `offset` rows of `query`'s answer. */
export function encodeCursor(query: unknown, offset: number): string {
  const body: CursorBody = { v: 1, q: fingerprint(query), o: offset };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The offset a cursor stands for; a 400 when it is malformed or belongs to another query. */
export function decodeCursor(cursor: string | undefined, query: unknown): number {
  if (cursor === undefined) return 0;
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new BadRequestException('cursor is malformed: pass back the nextCursor of a previous page unchanged');
  }
  if (body === null || typeof body !== 'object' || body.v !== 1 || typeof body.q !== 'string' || !Number.isSafeInteger(body.o) || (body.o as number) < 0) {
    throw new BadRequestException('cursor is malformed: pass back the nextCursor of a previous page unchanged');
  }
  if (body.q !== fingerprint(query)) throw new BadRequestException('cursor belongs to another query (other material or filters)');
  return body.o as number;
}

/** One page of a lazily read answer, and the answer's total: reads every row, keeps only the page's. */
export async function pageOf<T>(rows: AsyncIterable<T>, offset: number, limit: number): Promise<{ total: number; items: T[] }> {
  const items: T[] = [];
  let total = 0;
  for await (const row of rows) {
    if (total >= offset && items.length < limit) items.push(row);
    total++;
  }
  return { total, items };
}
