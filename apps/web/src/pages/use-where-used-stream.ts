import { useEffect, useState } from 'react';
import { api } from '../api';
import type { WhereUsedRow } from '../api-types';
import { readNdjson } from '../ndjson';
import { RunningCount } from '../where-used-filters';

export interface StreamState {
  rows: WhereUsedRow[];
  count: RunningCount;
  done: boolean;
  error?: string;
}

/**
 * Streams a where-used answer (NDJSON) into rows, a chunk at a time, with a running count; a new URL (other
 * filters) cancels the previous stream. Not a TanStack query: a query resolves once, this grows as it arrives.
 */
export function useWhereUsedStream(url: string, generation: number): StreamState {
  const [state, setState] = useState<StreamState>(() => ({ rows: [], count: new RunningCount(), done: false }));
  useEffect(() => {
    const abort = new AbortController();
    const count = new RunningCount();
    let rows: WhereUsedRow[] = [];
    setState({ rows, count, done: false });
    void (async () => {
      try {
        const res = await api(url, { signal: abort.signal, headers: { accept: 'application/x-ndjson' } });
        if (!res.body) throw new Error('the answer has no body');
        await readNdjson<WhereUsedRow>(
          res.body,
          (batch) => {
            count.add(batch);
            rows = rows.concat(batch);
            setState({ rows, count, done: false });
          },
          abort.signal,
        );
        if (!abort.signal.aborted) setState({ rows, count, done: true });
      } catch (error) {
        if (!abort.signal.aborted) setState({ rows, count, done: true, error: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => abort.abort();
  }, [url, generation]);
  return state;
}
