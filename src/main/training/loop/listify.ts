/** fastai's listify: nothing → [], one value → [value], any iterable → a new array. */
export type Listy<T> = T | Iterable<T> | null | undefined;

export function listify<T>(o: Listy<T>): T[] {
  if (o === null || o === undefined) return [];
  // A string is iterable, but it is one item, not a list of characters.
  if (typeof o === 'string') return [o];
  if (typeof o === 'object' && Symbol.iterator in o) return Array.from(o as Iterable<T>);
  return [o as T];
}
