/**
 * The one backoff formula every retry in the tool uses (Opencast, S3, SQS,
 * Elasticsearch): exponential growth with full jitter.
 *
 * @module
 */

/** Options for {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /**
   * The ceiling of the first retry's delay, in milliseconds.
   *
   * @default 500
   */
  readonly initialBackoffMs?: number;
  /**
   * The largest ceiling any retry's delay can have, in milliseconds.
   *
   * @default 30000
   */
  readonly maxBackoffMs?: number;
  /**
   * A source of numbers in `[0, 1)`; tests pass a fixed one.
   *
   * @default Math.random
   */
  readonly random?: () => number;
}

/**
 * The delay before retry number `retry` (1 for the first retry), with
 * exponential growth and full jitter: a uniform pick in
 * `[0, min(maxBackoffMs, initialBackoffMs × 2^(retry − 1)))`. Full jitter
 * spreads clients that failed together, so a restarted engage node is not hit
 * by every harvester at the same instant.
 *
 * @example Usage
 * ```ts
 * backoffDelay(3, { initialBackoffMs: 500, random: () => 0.5 }); // 1000
 * ```
 *
 * @returns A whole number of milliseconds.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions = {},
): number {
  const {
    initialBackoffMs = 500,
    maxBackoffMs = 30_000,
    random = Math.random,
  } = options;
  const exponent = Math.max(0, Math.floor(retry) - 1);
  // 2 ** exponent overflows to Infinity long before it matters; min() copes.
  const ceiling = Math.min(maxBackoffMs, initialBackoffMs * 2 ** exponent);
  const pick = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling * pick);
}
