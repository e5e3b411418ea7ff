import { BadRequestException } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// An opaque cursor: the position in the answer's stable order, signed with a server secret over the
// query it came from, the caller it was made for and the position itself. A cursor pasted into another
// query, used by another caller, or edited by hand is refused (400) instead of silently skipping rows
// or revealing anything. Several API instances behind one address share CURSOR_SECRET.
interface CursorBody {
  v: 2;
  o: number;
  m: string;
}

/**
 * Signs and checks paging cursors with CURSOR_SECRET (a random secret per process when it is not set): one instance
 * per app, built from the validated environment (CommonModule).
 */
export class CursorSigner {
  private readonly secret: Buffer;

  constructor(secret?: string) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  /** The cursor of the page that starts after `offset` rows of `query`'s answer (query includes the caller). */
  encode(query: unknown, offset: number): string {
    const body: CursorBody = { v: 2, o: offset, m: this.mac(query, offset) };
    return Buffer.from(JSON.stringify(body)).toString('base64url');
  }

  /** The offset a cursor stands for; a 400 when it is malformed, edited, or made for another query or caller. */
  decode(cursor: string | undefined, query: unknown): number {
    if (cursor === undefined) return 0;
    let body: Partial<CursorBody>;
    try {
      body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
    } catch {
      throw new BadRequestException('cursor is malformed: pass back the nextCursor of a previous page unchanged');
    }
    if (body === null || typeof body !== 'object' || body.v !== 2 || typeof body.m !== 'string' || !Number.isSafeInteger(body.o) || (body.o as number) < 0) {
      throw new BadRequestException('cursor is malformed: pass back the nextCursor of a previous page unchanged');
    }
    const expected = Buffer.from(this.mac(query, body.o as number));
    const given = Buffer.from(body.m);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new BadRequestException('cursor is not valid for this query and caller: pass back the nextCursor of a previous page unchanged');
    }
    return body.o as number;
  }

  private mac(query: unknown, offset: number): string {
    return createHmac('sha256', this.secret).update(JSON.stringify([query, offset])).digest('base64url').slice(0, 22);
  }
}

/** One page of a lazily read answer, and the answer's total: reads every row (each seen by `visit`), keeps only the page's. */
export async function pageOf<T>(rows: AsyncIterable<T>, offset: number, limit: number, visit?: (row: T) => void): Promise<{ total: number; items: T[] }> {
  const items: T[] = [];
  let total = 0;
  for await (const row of rows) {
    if (total >= offset && items.length < limit) items.push(row);
    total++;
    visit?.(row);
  }
  return { total, items };
}
