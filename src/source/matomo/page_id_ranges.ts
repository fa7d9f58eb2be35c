/**
 * A set of Matomo action ids (`pageId`s) kept as sorted ranges, with the
 * compact JSON form the Matomo position stores.
 *
 * @module
 */

/** One stored range: a lone id, or `[first, last]` of consecutive ids. */
export type PageIdRange = number | readonly [number, number];

/** A set of page ids; see {@linkcode createPageIdRanges}. */
export interface PageIdRanges {
  /** Whether the id is in the set. */
  has(id: number): boolean;
  /** Adds an id. */
  add(id: number): void;
  /** Drops every id below `min`. */
  dropBelow(min: number): void;
  /** The set as ranges, lowest first: lone ids as numbers, runs as `[first, last]`. */
  toJSON(): PageIdRange[];
  /** How many ranges hold the ids. */
  readonly ranges: number;
}

/**
 * Creates a page id set, from stored ranges when given. Matomo gives every
 * action of the instance the next id, so the ids a harvest reads of a site
 * (records and skipped actions alike) are mostly consecutive: a half hour of
 * them is a few ranges instead of thousands of numbers.
 *
 * @example Usage
 * ```ts
 * const ids = createPageIdRanges([[10, 12]]);
 * ids.add(13);
 * ids.add(20);
 * ids.toJSON(); // [[10, 13], 20]
 * ids.has(11); // true
 * ```
 *
 * @param stored Ranges as {@linkcode PageIdRanges.toJSON} gives them
 * (checked by the caller), in any order; overlaps are merged.
 */
export function createPageIdRanges(
  stored: readonly PageIdRange[] = [],
): PageIdRanges {
  // starts[i] <= ends[i] < starts[i + 1] - 1: sorted, disjoint, not touching.
  let starts: number[] = [];
  let ends: number[] = [];

  /** The index of the last range starting at or before `id`, or -1. */
  function floor(id: number): number {
    const last = starts.length - 1;
    if (last < 0 || id < starts[0]!) return -1;
    if (id >= starts[last]!) return last;
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (starts[middle]! <= id) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Adds `[first, last]`, merging the ranges it overlaps or touches. */
  function addRange(first: number, last: number): void {
    // The ranges from `low` to `high - 1` overlap or touch it.
    let low = floor(first - 1);
    if (low < 0 || ends[low]! < first - 1) low++;
    let high = floor(last + 1) + 1;
    if (high < low) high = low;
    if (low === high) {
      starts.splice(low, 0, first);
      ends.splice(low, 0, last);
      return;
    }
    const start = Math.min(first, starts[low]!);
    const end = Math.max(last, ends[high - 1]!);
    starts.splice(low, high - low, start);
    ends.splice(low, high - low, end);
  }

  for (const range of stored) {
    if (typeof range === "number") addRange(range, range);
    else addRange(range[0], range[1]);
  }

  return {
    get ranges() {
      return starts.length;
    },
    has(id) {
      const index = floor(id);
      return index >= 0 && id <= ends[index]!;
    },
    add(id) {
      addRange(id, id);
    },
    dropBelow(min) {
      const index = floor(min);
      if (index < 0) return;
      const keepFrom = min <= ends[index]! ? index : index + 1;
      starts = starts.slice(keepFrom);
      ends = ends.slice(keepFrom);
      if (starts.length > 0 && starts[0]! < min) starts[0] = min;
    },
    toJSON() {
      return starts.map((start, i) =>
        start === ends[i] ? start : [start, ends[i]!] as const
      );
    },
  };
}
