import { useEffect, useState } from 'react';
import { api } from '../api';
import type { WhereUsedRow } from '../api-types';
import { framePacer, readNdjson } from '../ndjson';
import { StreamBatcher } from '../stream-batcher';
import { RunningCount } from '../where-used-filters';

export interface StreamState {
  rows: WhereUsedRow[];
  count: RunningCount;
  done: boolean;
  error?: string;
}

/** How often the table is redrawn while rows stream in (see StreamBatcher). */
const REDRAW_MS = 250;
/** How long the stream may parse before the page draws its next frame (see framePacer). */
const PARSE_MS = 8;

/**
 * Streams a where-used answer (NDJSON) into rows with a running count, redrawn at most every REDRAW_MS; a new URL
 * (other filters) cancels the previous stream. Not a TanStack query: a query resolves once, this grows as it arrives.
 */
export function useWhereUsedStream(url: string, generation: number): StreamState {
  const [state, setState] = useState<StreamState>(() => ({ rows: [], count: new RunningCount(), done: false }));
  useEffect(() => {
    const abort = new AbortController();
    const count = new RunningCount();
    const batcher = new StreamBatcher<WhereUsedRow>(REDRAW_MS);
    let rows: WhereUsedRow[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = (batch: WhereUsedRow[] | undefined, done: boolean, error?: string): void => {
      if (batch && batch.length > 0) {
        count.add(batch);
        rows = rows.concat(batch);
      }
      if (batch || done) setState({ rows, count, done, ...(error !== undefined ? { error } : {}) });
    };
    const later = (): void => {
      const due = batcher.dueIn(performance.now());
      if (due === undefined || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!abort.signal.aborted) show(batcher.flush(performance.now()), false);
      }, due);
    };
    setState({ rows, count, done: false });
    void (async () => {
      try {
        const res = await api(url, { signal: abort.signal, headers: { accept: 'application/x-ndjson' } });
        if (!res.body) throw new Error('the answer has no body');
        await readNdjson<WhereUsedRow>(
          res.body,
          (batch) => {
            show(batcher.add(batch, performance.now()), false);
            later();
          },
          { signal: abort.signal, pause: framePacer(PARSE_MS) },
        );
        clearTimeout(timer);
        if (!abort.signal.aborted) show(batcher.flush(performance.now()), true);
      } catch (error) {
        clearTimeout(timer);
        if (!abort.signal.aborted) show(batcher.flush(performance.now()), true, error instanceof Error ? error.message : String(error));
      }
    })();
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [url, generation]);
  return state;
}
