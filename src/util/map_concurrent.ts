/**
 * Bounded concurrency for a list of async calls (episode lookups in a
 * harvest, workflow lookups and episode fetches in `load_episodes`).
 *
 * @module
 */

/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight,
 * keeping the input order in the result. A rejection rejects the whole map:
 * no new calls start after it, and the promise settles only once the calls
 * already in flight have settled, so nothing is left running behind the
 * caller's back. A `concurrency` below 1 is treated as 1.
 *
 * @example Usage
 * ```ts
 * const lengths = await mapConcurrent(["a", "bb"], 4, (s) => Promise.resolve(s.length));
 * ```
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const workers = Math.max(1, Math.min(concurrency, items.length));
  const settled = await Promise.allSettled(
    Array.from({ length: workers }, worker),
  );
  for (const outcome of settled) {
    if (outcome.status === "rejected") throw outcome.reason;
  }
  return results;
}
