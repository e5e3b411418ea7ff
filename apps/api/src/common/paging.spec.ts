import { CursorSigner, pageOf } from './paging';

async function* rows(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

describe('CursorSigner', () => {
  const signer = new CursorSigner('s'.repeat(32));
  const query = { lotId: 'L-1', caller: 'k1' };

  it('gives back the offset of a cursor it made for the same query and caller', () => {
    expect(signer.decode(signer.encode(query, 200), query)).toBe(200);
    expect(signer.decode(undefined, query)).toBe(0);
  });

  it('refuses (400) a cursor of another query, another caller, another secret, or edited by hand', () => {
    const cursor = signer.encode(query, 100);
    expect(() => signer.decode(cursor, { ...query, lotId: 'L-2' })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => signer.decode(cursor, { ...query, caller: 'k2' })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => new CursorSigner('t'.repeat(32)).decode(cursor, query)).toThrow(expect.objectContaining({ status: 400 }));
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o: number };
    const edited = Buffer.from(JSON.stringify({ ...body, o: 0 })).toString('base64url');
    expect(() => signer.decode(edited, query)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => signer.decode('not a cursor', query)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('signs with a random secret of its own when none is configured', () => {
    const a = new CursorSigner();
    expect(() => new CursorSigner().decode(a.encode(query, 1), query)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('pageOf', () => {
  it('keeps the page, counts every row and shows each row to the visitor', async () => {
    const seen: number[] = [];
    await expect(pageOf(rows(7), 2, 3, (r) => seen.push(r))).resolves.toEqual({ total: 7, items: [2, 3, 4] });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
