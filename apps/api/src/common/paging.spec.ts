import type { RowPosition } from '@trace/genealogy';
import { RowPositionNotFound } from '@trace/genealogy';
import { CursorSigner, isPagePosition, pageByPosition } from './paging';

// An answer of n rows whose position after row i names row i; rowsFrom(from) starts right after it, as the lib's does.
function answerOf(n: number): { rowsFrom: (from?: RowPosition) => AsyncGenerator<{ row: number; next: RowPosition }>; read: () => number } {
  let read = 0;
  const at = (i: number): RowPosition => ({ bucket: 'b', serial: String(i).padStart(6, '0'), skip: 1 });
  return {
    read: () => read,
    rowsFrom: async function* (from) {
      if (from && from.bucket !== 'b') throw new RowPositionNotFound(from);
      for (let i = from ? Number(from.serial) + 1 : 0; i < n; i++) {
        read++;
        yield { row: i, next: at(i) };
      }
    },
  };
}

describe('CursorSigner', () => {
  const signer = new CursorSigner('s'.repeat(32));
  const query = { lotId: 'L-1', caller: 'k1' };
  const position = { at: { bucket: '["L-1",3]', serial: 'SN-9', skip: 1 }, rowsBefore: 200 };

  it('gives back the position of a cursor it made for the same query and caller', () => {
    expect(signer.decode(signer.encode(query, position), query, isPagePosition)).toEqual(position);
    expect(signer.decode(undefined, query, isPagePosition)).toBeUndefined();
  });

  it('refuses (400) a cursor of another query, another caller, another secret, or edited by hand', () => {
    const cursor = signer.encode(query, position);
    expect(() => signer.decode(cursor, { ...query, lotId: 'L-2' }, isPagePosition)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => signer.decode(cursor, { ...query, caller: 'k2' }, isPagePosition)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => new CursorSigner('t'.repeat(32)).decode(cursor, query, isPagePosition)).toThrow(expect.objectContaining({ status: 400 }));
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p: typeof position };
    const edited = Buffer.from(JSON.stringify({ ...body, p: { ...body.p, rowsBefore: 0 } })).toString('base64url');
    expect(() => signer.decode(edited, query, isPagePosition)).toThrow(expect.objectContaining({ status: 400 }));
    const misshapen = Buffer.from(JSON.stringify({ ...body, p: { rowsBefore: 1 } })).toString('base64url');
    expect(() => signer.decode(misshapen, query, isPagePosition)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => signer.decode('not a cursor', query, isPagePosition)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('signs with a random secret of its own when none is configured', () => {
    const a = new CursorSigner();
    expect(() => new CursorSigner().decode(a.encode(query, position), query, isPagePosition)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('pageByPosition', () => {
  it('asks the answer for the rows a page takes, its own and one more, and for all of them with the total', async () => {
    const answer = answerOf(1_000);
    const asked: (number | undefined)[] = [];
    const rowsFrom = (from?: RowPosition, wanted?: number) => {
      asked.push(wanted);
      return answer.rowsFrom(from);
    };
    const first = await pageByPosition(rowsFrom, undefined, 100, { total: false });
    await pageByPosition(rowsFrom, first.next, 50, { total: false });
    await pageByPosition(rowsFrom, first.next, 50, { total: true });
    expect(asked).toEqual([101, 51, undefined]);
  });

  it('reads a page far into the answer from its position: its own rows and one more, no total before the last page', async () => {
    const answer = answerOf(10_000);
    let page = await pageByPosition(answer.rowsFrom, undefined, 100, { total: false });
    for (let k = 2; k <= 50; k++) page = await pageByPosition(answer.rowsFrom, page.next, 100, { total: false });
    const before = answer.read();
    page = await pageByPosition(answer.rowsFrom, page.next, 100, { total: false });
    expect(answer.read() - before).toBe(101);
    expect(page.items[0]).toBe(5_000);
    expect(page.items).toHaveLength(100);
    expect(page.total).toBeUndefined();
    expect(page.next).toEqual({ at: { bucket: 'b', serial: '005099', skip: 1 }, rowsBefore: 5_100 });
  });

  it('gives the total on the last page from the rows before it and its own, without a next position', async () => {
    const answer = answerOf(250);
    const first = await pageByPosition(answer.rowsFrom, undefined, 100, { total: false });
    const second = await pageByPosition(answer.rowsFrom, first.next, 100, { total: false });
    const last = await pageByPosition(answer.rowsFrom, second.next, 100, { total: false });
    expect(last.items).toEqual(Array.from({ length: 50 }, (_, i) => 200 + i));
    expect(last.next).toBeUndefined();
    expect(last.total).toBe(250);
  });

  it('with total, reads the whole answer once, shows every row to the visitor and keeps the same page', async () => {
    const answer = answerOf(250);
    const first = await pageByPosition(answer.rowsFrom, undefined, 100, { total: false });
    const seen: number[] = [];
    const counted = await pageByPosition(answer.rowsFrom, first.next, 100, { total: true, visit: (r) => seen.push(r) });
    expect(counted.total).toBe(250);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(counted.items).toEqual((await pageByPosition(answer.rowsFrom, first.next, 100, { total: false })).items);
    expect(counted.next).toEqual({ at: { bucket: 'b', serial: '000199', skip: 1 }, rowsBefore: 200 });
  });

  it('refuses (400) a position the answer no longer has, with or without total', async () => {
    const answer = answerOf(10);
    const gone = { at: { bucket: 'gone', serial: 'x', skip: 0 }, rowsBefore: 5 };
    await expect(pageByPosition(answer.rowsFrom, gone, 5, { total: false })).rejects.toMatchObject({ status: 400 });
    await expect(pageByPosition(answer.rowsFrom, gone, 5, { total: true })).rejects.toMatchObject({ status: 400 });
  });
});
