/**
 * A yes at most once per period for each key, in memory: for notices worth repeating now and
 * then but not every time (a restart forgets, which at worst repeats one notice).
 *
 * ```ts
 * const due = oncePer(10 * 60_000, Date.now);
 * due('a'); // true
 * due('a'); // false, for the next ten minutes
 * ```
 */
export function oncePer(periodMs: number, now: () => number): (key: string) => boolean {
  // Insertion order is time order (a key is re-inserted when it comes due again), so the expired
  // keys are always at the front: the map never holds more than one period's worth.
  const last = new Map<string, number>();
  return (key) => {
    const at = now();
    for (const [oldKey, when] of last) {
      if (at - when < periodMs) break;
      last.delete(oldKey);
    }
    if (last.has(key)) return false;
    last.set(key, at);
    return true;
  };
}
