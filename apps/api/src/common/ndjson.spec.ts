import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { writeNdjson } from './ndjson';

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
