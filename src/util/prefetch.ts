/**
 * Runs an async iterable ahead of its consumer: while the consumer works on
 * one item, the next ones are already being produced, up to a bound.
 *
 * @module
 */

/** Options for {@linkcode prefetch}. */
export interface PrefetchOptions {
  /**
   * How many items may be produced ahead of the consumer (at least 1); this
   * bounds the memory held, whatever the length of the source.
   *
   * @default 1
   */
  readonly depth?: number;
}

/**
 * Yields the items of `source` in order, keeping up to `depth` of them in
 * production while the consumer handles the current one. An error of the
 * source reaches the consumer at the item where it happened, after every
 * item before it. When the consumer stops early, items produced ahead are
 * dropped and the source is closed once the work in flight has settled.
 *
 * The source must accept `next()` calls before the previous one settled, as
 * async generators do (they queue them and run one at a time).
 *
 * @example Usage
 * ```ts
 * for await (const page of prefetch(fetchPages(), { depth: 2 })) {
 *   await deliver(page); // pages 2 and 3 are fetched meanwhile
 * }
 * ```
 *
 * @throws {RangeError} When `depth` is not a positive integer.
 */
export async function* prefetch<T>(
  source: AsyncIterable<T>,
  options: PrefetchOptions = {},
): AsyncGenerator<T> {
  const { depth = 1 } = options;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RangeError(
      `Cannot prefetch as 'depth' must be a positive integer: current value is ${depth}`,
    );
  }
  const iterator = source[Symbol.asyncIterator]();
  const ahead: Promise<IteratorResult<T>>[] = [];
  let finished = false;
  const request = () => {
    const next = iterator.next();
    // Seen by the consumer in order; never an unhandled rejection meanwhile.
    next.catch(() => {});
    ahead.push(next);
  };
  try {
    for (;;) {
      while (!finished && ahead.length <= depth) request();
      const result = await ahead.shift()!;
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    // Let the work in flight settle (its results are dropped), then close.
    await Promise.allSettled(ahead);
    await iterator.return?.();
  }
}
