/**
 * At most `size` holders at once, the others served in the order they asked. A dozen lines rather than a package:
 * p-limit is only a transitive dependency here (of jest's), and a slot that is taken before the task exists (the
 * slice is validated first, then waits for a slot) does not fit its `limit(fn)` shape.
 */
export class Slots {
  private taken = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Resolves with the release of a slot once one is free; call the release exactly once. */
  async take(): Promise<() => void> {
    if (this.taken < this.size) this.taken++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // a release hands its slot over
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.taken--;
    };
  }
}
