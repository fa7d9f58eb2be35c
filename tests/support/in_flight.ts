/**
 * Counts the calls of a fake service that are in flight, and the most
 * there ever were at once: what concurrency limits are tested against.
 *
 * @module
 */

/** The running count of calls in flight. */
export interface InFlight {
  /** Calls in flight now. */
  readonly now: number;
  /** The most that were in flight at once so far. */
  readonly most: number;
  /** Runs `work`, counted as in flight until it settles. */
  count<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Starts counting at zero.
 *
 * @example
 * ```ts
 * const inFlight = countInFlight();
 * const fetchPage = (q: PageQuery) => inFlight.count(() => answer(q));
 * // … after the run:
 * assert.equal(inFlight.most, 2);
 * ```
 */
export function countInFlight(): InFlight {
  let now = 0;
  let most = 0;
  return {
    get now() {
      return now;
    },
    get most() {
      return most;
    },
    async count<T>(work: () => Promise<T>): Promise<T> {
      now++;
      most = Math.max(most, now);
      try {
        return await work();
      } finally {
        now--;
      }
    },
  };
}
