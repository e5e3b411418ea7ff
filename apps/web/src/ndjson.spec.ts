import { NdjsonDecoder, readNdjson } from './ndjson';

describe('the NDJSON stream reader', () => {
  it('joins lines cut anywhere by the chunks, and skips blank lines and CRLF', () => {
    const d = new NdjsonDecoder<{ n: number }>();
    expect(d.push('{"n":1}\n{"n"')).toEqual([{ n: 1 }]);
    expect(d.push(':2}\r\n\n{"n":3}')).toEqual([{ n: 2 }]);
    expect(d.end()).toEqual([{ n: 3 }]);
  });

  it('fails on a line that is not JSON, naming the line, instead of dropping the row', () => {
    const d = new NdjsonDecoder();
    expect(() => d.push('{"n":1}\n{oops}\n')).toThrow(/line 2 .*not JSON/);
  });

  it('keeps a multi-byte character whole when a chunk ends inside it, and hands rows over per chunk', async () => {
    const bytes = new TextEncoder().encode('{"c":"Müller"}\n{"c":"Ω"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of ü
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const batches: unknown[][] = [];
    await readNdjson(body, (rows) => batches.push(rows));
    expect(batches.flat()).toEqual([{ c: 'Müller' }, { c: 'Ω' }]);
    expect(batches).toHaveLength(1); // the first chunk completed no line
  });
});
