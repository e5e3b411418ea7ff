import { NdjsonDecoder, framePacer, readNdjson } from './ndjson';

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

describe('the NDJSON stream reader, paced', () => {
  const bodyOf = (text: string): ReadableStream<Uint8Array> =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });

  it('parses a large chunk in pieces and awaits the pause between them, losing no row and keeping their order', async () => {
    const text = Array.from({ length: 600 }, (_, n) => `{"n":${n}}\n`).join('');
    const events: string[] = [];
    const rows: number[] = [];
    await readNdjson<{ n: number }>(
      bodyOf(text),
      (batch) => {
        events.push(`rows ${batch.length}`);
        rows.push(...batch.map((r) => r.n));
      },
      { pause: () => (events.push('pause'), new Promise<void>((resolve) => setTimeout(() => (events.push('resumed'), resolve()), 1))) },
    );
    expect(rows).toEqual(Array.from({ length: 600 }, (_, n) => n));
    expect(events.slice(0, 7)).toEqual(['rows 250', 'pause', 'resumed', 'rows 250', 'pause', 'resumed', 'rows 100']);
  });

  it('still names the line that is not JSON when it lies in a later piece', async () => {
    const text = `${Array.from({ length: 300 }, (_, n) => `{"n":${n}}\n`).join('')}{oops}\n`;
    await expect(readNdjson(bodyOf(text), () => undefined, { pause: () => undefined })).rejects.toThrow(/line 301 .*not JSON/);
  });
});

describe('the frame pacer', () => {
  interface Page {
    /** The pacer under test: an 8 ms budget on a clock at 0 when it was made. */
    pause: () => Promise<void> | undefined;
    /** Sets the clock the pacer reads. */
    at: (ms: number) => void;
    /** Draws the next frame the page was asked for (its requestAnimationFrame callback). */
    drawFrame: () => void;
    hidden: (h: boolean) => void;
  }

  /** `run` with a pacer in a page whose frames, clock and visibility the case drives; the globals restored after. */
  const inPage = async (run: (page: Page) => Promise<void>): Promise<void> => {
    const frames: (() => void)[] = [];
    let visibility = 'visible';
    const listeners = new Set<() => void>();
    const g = globalThis as Record<string, unknown>;
    const saved = { document: g.document, requestAnimationFrame: g.requestAnimationFrame };
    g.document = {
      get visibilityState() {
        return visibility;
      },
      addEventListener: (_: string, f: () => void) => listeners.add(f),
      removeEventListener: (_: string, f: () => void) => listeners.delete(f),
    };
    g.requestAnimationFrame = (f: () => void) => frames.push(f);
    try {
      let t = 0;
      await run({
        pause: framePacer(8, () => t),
        at: (ms) => (t = ms),
        drawFrame: () => frames.shift()!(),
        hidden: (h) => {
          visibility = h ? 'hidden' : 'visible';
          for (const f of [...listeners]) f();
        },
      });
    } finally {
      Object.assign(g, saved);
    }
  };

  it('lets work run within its budget, then waits until a frame is drawn, then grants a new budget', () =>
    inPage(async ({ pause, at, drawFrame }) => {
      at(7);
      expect(pause()).toBeUndefined();
      at(9);
      const wait = pause();
      expect(wait).toBeInstanceOf(Promise);
      let resumed = false;
      void wait!.then(() => (resumed = true));
      await new Promise((r) => setTimeout(r, 5));
      expect(resumed).toBe(false); // no frame yet
      drawFrame(); // the pacer resumes once it is drawn
      await new Promise((r) => setTimeout(r, 5));
      expect(resumed).toBe(true);
      at(12);
      expect(pause()).toBeUndefined(); // the budget counts from the frame
    }));

  it('never waits in a hidden page, and stops waiting when the page is hidden', () =>
    inPage(async ({ pause, at, hidden }) => {
      at(20);
      const wait = pause()!;
      hidden(true); // no frame will come
      await expect(wait).resolves.toBeUndefined();
      at(40);
      expect(pause()).toBeUndefined();
    }));
});
