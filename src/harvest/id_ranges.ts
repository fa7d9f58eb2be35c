/**
 * A set of action ids kept as sorted ranges of consecutive ids.
 *
 * @module
 */

/** The ids a run delivered, for the dedup of rows a page repeats. */
export interface IdRanges {
  /** Whether the id is in the set. */
  has(id: number): boolean;
  /** Adds an id. */
  add(id: number): void;
  /** How many ranges hold the ids (the memory it takes). */
  readonly ranges: number;
}

/**
 * Creates an empty id set. Action ids come from a sequence, so the ids of a
 * run are mostly consecutive: kept as ranges, a million of them take a few
 * thousand entries instead of a hash set's tens of MiB, and the common add
 * (the next id) and lookup (near the newest) are O(1); others are a binary
 * search.
 *
 * @example Usage
 * ```ts
 * const ids = createIdRanges();
 * for (const id of [1, 2, 3, 7]) ids.add(id);
 * ids.has(2); // true
 * ids.has(5); // false
 * ids.ranges; // 2
 * ```
 */
export function createIdRanges(): IdRanges {
  // starts[i] <= ends[i] < starts[i + 1] - 1: sorted, disjoint, not touching.
  const starts: number[] = [];
  const ends: number[] = [];

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

  return {
    get ranges() {
      return starts.length;
    },
    has(id) {
      const index = floor(id);
      return index >= 0 && id <= ends[index]!;
    },
    add(id) {
      const index = floor(id);
      if (index >= 0 && id <= ends[index]!) return;
      const joinsBefore = index >= 0 && ends[index]! === id - 1;
      const next = index + 1;
      const joinsAfter = next < starts.length && starts[next]! === id + 1;
      if (joinsBefore && joinsAfter) {
        ends[index] = ends[next]!;
        starts.splice(next, 1);
        ends.splice(next, 1);
      } else if (joinsBefore) {
        ends[index] = id;
      } else if (joinsAfter) {
        starts[next] = id;
      } else {
        starts.splice(next, 0, id);
        ends.splice(next, 0, id);
      }
    },
  };
}
