/**
 * A function of one string memoized in a Map of at most `max` entries (emptied when full): for the digests of ids a
 * batch names again and again (a board's serial in each of its hundreds of installations), so each costs one hash.
 */
export function boundedMemo<T>(fn: (id: string) => T, max = 50_000): (id: string) => T {
  const known = new Map<string, T>();
  return (id) => {
    const hit = known.get(id);
    if (hit !== undefined) return hit;
    const value = fn(id);
    if (known.size >= max) known.clear();
    known.set(id, value);
    return value;
  };
}
