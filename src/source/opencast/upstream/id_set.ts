/**
 * A set of action ids kept as sorted ranges of consecutive ids, with what the
 * upstream strategy asks of it: counts, ranks, the gaps between ranges, and
 * a compact JSON form for the checkpoint.
 *
 * @module
 */

/**
 * Action ids as sorted, disjoint, non-touching ranges. Ids come from a
 * sequence handed out in blocks, so a day's ids are long runs of consecutive
 * ids: 100,000 actions take a few thousand ranges. Adding the next id (or one
 * near the end) is O(1); anything else a binary search and a splice.
 *
 * @example Usage
 * ```ts
 * const ids = new IdSet([1, 2, 3, 7]);
 * ids.has(2); // true
 * ids.size; // 4
 * ids.encode(); // [1, 3, 3, 1]: 1 and two more, skip 3, one id
 * IdSet.decode([1, 3, 3, 1]).has(7); // true
 * ```
 */
export class IdSet {
  // starts[i] <= ends[i] < starts[i + 1] - 1.
  #starts: number[] = [];
  #ends: number[] = [];
  #size = 0;

  /** A set holding `ids`. */
  constructor(ids: Iterable<number> = []) {
    for (const id of ids) this.add(id);
  }

  /**
   * Reads the form {@linkcode encode} writes.
   * @throws {RangeError} When the list is not that form.
   */
  static decode(runs: readonly number[]): IdSet {
    const set = new IdSet();
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

  /** How many ids it holds. */
  get size(): number {
    return this.#size;
  }

  /** How many ranges hold them (the memory it takes). */
  get ranges(): number {
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

  /** A copy. */
  clone(): IdSet {
    const copy = new IdSet();
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

  /** The ranges `[first, last]` in ascending order. */
  *rangesIn(): Generator<[number, number]> {
    for (let i = 0; i < this.#starts.length; i++) {
      yield [this.#starts[i]!, this.#ends[i]!];
    }
  }

  /** Every id, ascending. */
  *[Symbol.iterator](): Generator<number> {
    for (const [first, last] of this.rangesIn()) {
      for (let id = first; id <= last; id++) yield id;
    }
  }

  /**
   * The compact JSON form: the first id, then the length of each run of
   * consecutive ids and the number of ids skipped before the next run
   * (`[first, run, gap, run, …, run]`); `[]` when empty. Small numbers,
   * since ids come in blocks.
   */
  encode(): number[] {
    const runs: number[] = [];
    for (let i = 0; i < this.#starts.length; i++) {
      if (i === 0) runs.push(this.#starts[0]!);
      else runs.push(this.#starts[i]! - this.#ends[i - 1]! - 1);
      runs.push(this.#ends[i]! - this.#starts[i]! + 1);
    }
    return runs;
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
