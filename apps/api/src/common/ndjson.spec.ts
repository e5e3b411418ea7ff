import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { ITEMS_LOCAL } from './auth/access-log.middleware';
import { NdjsonChunk, writeNdjson, writeNdjsonChunks } from './ndjson';

// A response that is always full: every write asks the writer to wait for 'drain', which comes on the next tick.
function slowResponse(): { res: Response; written: () => string; writes: () => number } {
  const emitter = new EventEmitter();
  let body = '';
  let writes = 0;
  const res = Object.assign(emitter, {
    destroyed: false,
    headersSent: false,
    locals: {} as Record<string, unknown>,
    status: () => res,
    setHeader: () => res,
    write: (chunk: string) => {
      body += chunk;
      writes++;
      res.headersSent = true;
      setImmediate(() => emitter.emit('drain'));
      return false;
    },
    end: () => undefined,
  });
  return { res: res as unknown as Response, written: () => body, writes: () => writes };
}

async function* rows(n: number): AsyncGenerator<{ i: number; pad: string }> {
  for (let i = 0; i < n; i++) yield { i, pad: 'x'.repeat(100) };
}

describe('writeNdjson', () => {
  it('writes every row, one JSON object a line, in chunks rather than a write a row', async () => {
    const { res, written, writes } = slowResponse();
    await writeNdjson(res, rows(5_000));
    const lines = written().trim().split('\n').map((l) => JSON.parse(l) as { i: number });
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(writes()).toBeLessThan(50);
  });

  it('writes each line with the row writer it is given', async () => {
    const { res, written } = slowResponse();
    await writeNdjson(res, rows(3), (r) => `{"n":${r.i}}`);
    expect(written()).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');
  });

  it('leaves no listener behind for each wait on a full response', async () => {
    const { res } = slowResponse();
    await writeNdjson(res, rows(20_000));
    expect((res as unknown as EventEmitter).listenerCount('close')).toBe(0);
    expect((res as unknown as EventEmitter).listenerCount('drain')).toBe(0);
  });
});

describe('writeNdjsonChunks', () => {
  it('writes each chunk of lines as it comes, counting its rows for the access log', async () => {
    const { res, written, writes } = slowResponse();
    async function* chunks(): AsyncGenerator<NdjsonChunk> {
      yield { text: '{"n":0}\n{"n":1}\n', rows: 2 };
      yield { text: '{"n":2}\n', rows: 1 };
    }
    await writeNdjsonChunks(res, chunks());
    expect(written()).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');
    expect(writes()).toBe(2);
    expect(res.locals[ITEMS_LOCAL]).toBe(3);
  });

  it('stops the source once the client has gone away: it is asked for no chunk more, and its cleanup runs', async () => {
    const { res } = slowResponse();
    let asked = 0;
    let finished = false;
    async function* chunks(): AsyncGenerator<NdjsonChunk> {
      try {
        for (let i = 0; i < 1_000; i++) {
          asked++;
          yield { text: '{"n":0}\n', rows: 1 };
        }
      } finally {
        finished = true; // where the traversal drops the read it has in flight
      }
    }
    const writing = writeNdjsonChunks(res, chunks());
    await new Promise((r) => setImmediate(r));
    (res as unknown as { destroyed: boolean }).destroyed = true;
    (res as unknown as EventEmitter).emit('close');
    await writing;
    const after = asked;
    await new Promise((r) => setTimeout(r, 20));
    expect(asked).toBe(after);
    expect(asked).toBeLessThan(5);
    expect(finished).toBe(true);
  });
});
