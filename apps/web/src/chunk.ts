import { useEffect, useState } from 'react';

/**
 * A module built into a chunk of its own (a dynamic import), asked for once and kept: `load` starts it (at once, e.g.
 * beside the request whose answer it draws), `loaded` is the module once it is in. Not React.lazy: a lazy component
 * suspends on its first render even when its module is in, and an answer rendered synchronously (TanStack Query's
 * useSyncExternalStore) then shows its Suspense fallback, which React holds for 300 ms before drawing what replaces it.
 */
export class Chunk<M> {
  private asked?: Promise<M>;
  private module?: M;

  constructor(private readonly importer: () => Promise<M>) {}

  /** The module, asked for on the first call; after a failure (the network), asked for again. */
  load(): Promise<M> {
    if (!this.asked) {
      const asked = this.importer().then((m) => (this.module = m));
      asked.catch(() => {
        if (this.asked === asked) this.asked = undefined;
      });
      this.asked = asked;
    }
    return this.asked;
  }

  /** The module if it is in, else undefined. */
  loaded(): M | undefined {
    return this.module;
  }
}

/** A chunk's module: at once if it is in, else once it is (re-rendering), or the error that kept it out. */
export function useChunk<M>(chunk: Chunk<M>): { module?: M; error?: string } {
  const [state, setState] = useState<{ module?: M; error?: string }>(() => ({ module: chunk.loaded() }));
  useEffect(() => {
    if (state.module !== undefined) return;
    let live = true;
    chunk.load().then(
      (module) => live && setState({ module }),
      (error: unknown) => live && setState({ error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [chunk, state.module]);
  return state;
}
