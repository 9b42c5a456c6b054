/** Returns a copy of a sorted array with `item` inserted or replacing the element with an equal key. */
export function upsertSorted<T>(items: readonly T[], item: T, compare: (a: T, b: T) => number): readonly T[] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid] as T, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  const found = lo < items.length && compare(items[lo] as T, item) === 0;
  return [...items.slice(0, lo), item, ...items.slice(found ? lo + 1 : lo)];
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Inserts into a sorted set of strings (a no-op copy when already present). */
export function addToSortedSet(items: readonly string[], item: string): readonly string[] {
  return upsertSorted(items, item, compareStrings);
}

/** Record copy with `key` set, keys in ascending order so JSON output does not depend on arrival order. */
export function withSortedKey<V>(record: Readonly<Record<string, V>>, key: string, value: V): Readonly<Record<string, V>> {
  const merged: Record<string, V> = { ...record, [key]: value };
  const sorted: Record<string, V> = {};
  for (const k of Object.keys(merged).sort(compareStrings)) sorted[k] = merged[k] as V;
  return sorted;
}
