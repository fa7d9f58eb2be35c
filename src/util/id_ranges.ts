/**
 * A set of integer ids kept as sorted ranges of consecutive ids: the ids a
 * harvest delivered (its dedup), the ids of an upstream Opencast day, the
 * Matomo action ids of a position. Ids come from sequences handed out in
 * blocks, so they are long runs of consecutive ids: a million of them take a
 * few thousand numbers instead of a hash set's tens of MiB.
 *
 * @module
 */

/** One entry of {@linkcode IdRanges.toRangeList}: a lone id, or `[first, last]`. */
export type IdRange = number | readonly [number, number];

/**
 * Integer ids as sorted, disjoint, non-touching ranges. Adding the next id
 * (or one near the newest) and looking one up near the newest are O(1);
 * anything else a binary search (and a splice when a range is made or
 * joined).
 *
 * Two JSON forms, one for each position that stores a set:
 * {@linkcode toRuns} (`[first, run, gap, run, …]`: small numbers, the
 * upstream Opencast days) and {@linkcode toRangeList} (`[[first, last], id,
 * …]`: readable, the Matomo position).
 *
 * @example Usage
 * ```ts
 * const ids = new IdRanges([1, 2, 3, 7]);
 * ids.has(2); // true
 * ids.size; // 4
 * ids.rangeCount; // 2
 * ids.toRuns(); // [1, 3, 3, 1]: 1 and two more, skip 3, one id
 * ids.toRangeList(); // [[1, 3], 7]
 * IdRanges.fromRuns([1, 3, 3, 1]).has(7); // true
 * ```
 */
export class IdRanges implements Iterable<number> {
  // starts[i] <= ends[i] < starts[i + 1] - 1: sorted, disjoint, not touching.
  #starts: number[] = [];
  #ends: number[] = [];
  #size = 0;

  /** A set holding `ids` (any order, repeats ignored). */
  constructor(ids: Iterable<number> = []) {
    for (const id of ids) this.add(id);
  }

  /**
   * Reads the form {@linkcode toRuns} writes.
   *
   * @throws {RangeError} When the list is not that form.
   */
  static fromRuns(runs: readonly number[]): IdRanges {
    const set = new IdRanges();
    if (runs.length === 0) return set;
    if (runs.length % 2 !== 0 || !runs.every(Number.isSafeInteger)) {
      throw new RangeError(
        "an id list must be a first id, then run lengths and gaps",
      );
    }
    // [first, run, gap, run, gap, run]: runs at odd indexes, gaps between.
    let next = runs[0]!;
    for (let i = 1; i < runs.length; i += 2) {
      const length = runs[i]!;
      const gap = runs[i + 1] ?? 1;
      if (length < 1 || gap < 1) {
        throw new RangeError("an id list's runs and gaps must be positive");
      }
      set.#starts.push(next);
      set.#ends.push(next + length - 1);
      set.#size += length;
      next += length + gap;
    }
    return set;
  }

  /**
   * Reads the form {@linkcode toRangeList} writes, in any order; overlapping
   * and touching ranges are merged. The entries are the caller's to check
   * (whole numbers, `first <= last`).
   */
  static fromRangeList(ranges: readonly IdRange[]): IdRanges {
    const set = new IdRanges();
    for (const range of ranges) {
      if (typeof range === "number") set.addRange(range, range);
      else set.addRange(range[0], range[1]);
    }
    return set;
  }

  /** How many ids it holds. */
  get size(): number {
    return this.#size;
  }

  /** How many ranges hold them (the memory it takes). */
  get rangeCount(): number {
    return this.#starts.length;
  }

  /** The smallest id, or `undefined` when empty. */
  get min(): number | undefined {
    return this.#starts[0];
  }

  /** The largest id, or `undefined` when empty. */
  get max(): number | undefined {
    return this.#ends.at(-1);
  }

  /** Whether the id is in the set. */
  has(id: number): boolean {
    const index = this.#floor(id);
    return index >= 0 && id <= this.#ends[index]!;
  }

  /** Adds an id; `true` when it was not there yet. */
  add(id: number): boolean {
    const starts = this.#starts;
    const ends = this.#ends;
    const index = this.#floor(id);
    if (index >= 0 && id <= ends[index]!) return false;
    this.#size++;
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
    return true;
  }

  /** Adds every id from `first` to `last` (nothing when `last < first`). */
  addRange(first: number, last: number): void {
    if (last < first) return;
    const starts = this.#starts;
    const ends = this.#ends;
    // The ranges from `low` to `high - 1` overlap or touch [first, last].
    let low = this.#floor(first - 1);
    if (low < 0 || ends[low]! < first - 1) low++;
    const high = Math.max(low, this.#floor(last + 1) + 1);
    let start = first;
    let end = last;
    for (let i = low; i < high; i++) {
      start = Math.min(start, starts[i]!);
      end = Math.max(end, ends[i]!);
      this.#size -= ends[i]! - starts[i]! + 1;
    }
    this.#size += end - start + 1;
    starts.splice(low, high - low, start);
    ends.splice(low, high - low, end);
  }

  /** Removes an id; `true` when it was there. */
  delete(id: number): boolean {
    const index = this.#floor(id);
    if (index < 0 || id > this.#ends[index]!) return false;
    this.#size--;
    const start = this.#starts[index]!;
    const end = this.#ends[index]!;
    if (start === end) {
      this.#starts.splice(index, 1);
      this.#ends.splice(index, 1);
    } else if (id === start) {
      this.#starts[index] = id + 1;
    } else if (id === end) {
      this.#ends[index] = id - 1;
    } else {
      this.#ends[index] = id - 1;
      this.#starts.splice(index + 1, 0, id + 1);
      this.#ends.splice(index + 1, 0, end);
    }
    return true;
  }

  /** Removes every id below `min`, cutting the range that holds it. */
  deleteBelow(min: number): void {
    const index = this.#floor(min);
    if (index < 0) return;
    const keepFrom = min <= this.#ends[index]! ? index : index + 1;
    for (let i = 0; i < keepFrom; i++) {
      this.#size -= this.#ends[i]! - this.#starts[i]! + 1;
    }
    this.#starts = this.#starts.slice(keepFrom);
    this.#ends = this.#ends.slice(keepFrom);
    if (this.#starts.length > 0 && this.#starts[0]! < min) {
      this.#size -= min - this.#starts[0]!;
      this.#starts[0] = min;
    }
  }

  /** A copy. */
  clone(): IdRanges {
    const copy = new IdRanges();
    copy.#starts = [...this.#starts];
    copy.#ends = [...this.#ends];
    copy.#size = this.#size;
    return copy;
  }

  /** How many ids of the set are below `id`. */
  countBelow(id: number): number {
    let count = 0;
    for (let i = 0; i < this.#starts.length; i++) {
      const start = this.#starts[i]!;
      if (start >= id) break;
      count += Math.min(this.#ends[i]!, id - 1) - start + 1;
    }
    return count;
  }

  /**
   * The id with `rank` ids of the set below it (0 is the smallest), or
   * `undefined` past the end.
   */
  idAtRank(rank: number): number | undefined {
    if (rank < 0) return undefined;
    let left = rank;
    for (let i = 0; i < this.#starts.length; i++) {
      const length = this.#ends[i]! - this.#starts[i]! + 1;
      if (left < length) return this.#starts[i]! + left;
      left -= length;
    }
    return undefined;
  }

  /** The ranges `[first, last]`, ascending. */
  *ranges(): Generator<[number, number]> {
    for (let i = 0; i < this.#starts.length; i++) {
      yield [this.#starts[i]!, this.#ends[i]!];
    }
  }

  /** Every id, ascending. */
  *[Symbol.iterator](): Generator<number> {
    for (const [first, last] of this.ranges()) {
      for (let id = first; id <= last; id++) yield id;
    }
  }

  /**
   * The compact JSON form: the first id, then the length of each run of
   * consecutive ids and the number of ids skipped before the next run
   * (`[first, run, gap, run, …, run]`); `[]` when empty. Small numbers,
   * since ids come in blocks.
   */
  toRuns(): number[] {
    const runs: number[] = [];
    for (let i = 0; i < this.#starts.length; i++) {
      if (i === 0) runs.push(this.#starts[0]!);
      else runs.push(this.#starts[i]! - this.#ends[i - 1]! - 1);
      runs.push(this.#ends[i]! - this.#starts[i]! + 1);
    }
    return runs;
  }

  /**
   * The readable JSON form: the ranges ascending, a lone id as a number and
   * a run as `[first, last]`; `[]` when empty.
   */
  toRangeList(): IdRange[] {
    return this.#starts.map((start, i) =>
      start === this.#ends[i] ? start : [start, this.#ends[i]!] as const
    );
  }

  /** The index of the last range starting at or before `id`, or -1. */
  #floor(id: number): number {
    const starts = this.#starts;
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
}
