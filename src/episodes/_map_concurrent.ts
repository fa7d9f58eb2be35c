/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping
 * the input order in the result. A rejection rejects the whole map (after
 * the calls in flight settle no new ones start).
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    () => worker(),
  );
  // Wait for every worker, so nothing is left running when this rejects.
  const settled = await Promise.allSettled(workers);
  for (const outcome of settled) {
    if (outcome.status === "rejected") throw outcome.reason;
  }
  return results;
}
