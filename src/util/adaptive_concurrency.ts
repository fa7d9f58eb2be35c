/**
 * How many requests to keep in flight against a server whose capacity is not
 * known: as many as it answers without slowing down (Vector's adaptive
 * request concurrency, with TCP's slow start). Against a far-away engage node
 * a fixed small number makes a cold episode cache cost round trip after round
 * trip; a fixed large one would hit a busy node with a burst.
 *
 * @module
 */

/** Windows whose round trips make the usual one. */
const RECENT_WINDOWS = 10;

/** Options for {@linkcode createAdaptiveConcurrency}. */
export interface AdaptiveConcurrencyOptions {
  /** The most requests in flight, whatever the server's answers. */
  readonly max: number;
  /**
   * Requests in flight at the start.
   *
   * @default {Math.min(4, max)}
   */
  readonly initial?: number;
  /**
   * How much slower than its usual round trip a window of answers may be
   * before the server counts as loaded (1.5: half as slow again).
   *
   * @default 1.5
   */
  readonly tolerance?: number;
  /**
   * A window counts as slower only when it is also this many milliseconds
   * slower than usual: on a server a millisecond away, jitter alone makes
   * round trips half as slow again.
   *
   * @default 5
   */
  readonly minSlowdownMs?: number;
}

/** The concurrency of one client, adjusted as its requests complete. */
export interface AdaptiveConcurrency {
  /** Requests to allow in flight now. */
  readonly limit: number;
  /**
   * Tells how one request went: its round trip in milliseconds, whether it
   * failed, and whether more requests were waiting for a slot when it ended
   * (only then is raising the limit worth anything).
   */
  observe(rttMs: number, outcome: { failed: boolean; queued: boolean }): void;
}

/**
 * Creates an adaptive concurrency limit. Completions are judged in windows of
 * `limit` requests (about one round trip each). A window whose mean round trip
 * stays within `tolerance` of the usual one, with requests waiting, doubles the
 * limit until the server first slows (slow start), then raises it by one. A
 * slower window (by `tolerance` and by `minSlowdownMs`), or one with a
 * failure, halves it. The usual round trip is the
 * fastest window of the last ten, so a server that stays slower is, after a
 * while, its new normal. The limit stays within `[1, max]`.
 *
 * @example Usage
 * ```ts
 * const concurrency = createAdaptiveConcurrency({ max: 64 });
 * concurrency.limit; // 4
 * for (let i = 0; i < 4; i++) concurrency.observe(20, { failed: false, queued: true });
 * concurrency.limit; // 8
 * ```
 *
 * @throws {RangeError} When `max` or `initial` is not a positive integer.
 */
export function createAdaptiveConcurrency(
  options: AdaptiveConcurrencyOptions,
): AdaptiveConcurrency {
  const { max, tolerance = 1.5, minSlowdownMs = 5 } = options;
  const initial = options.initial ?? Math.min(4, max);
  for (const [name, value] of [["max", max], ["initial", initial]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot adapt concurrency as '${name}' must be a positive integer: current value is ${value}`,
      );
    }
  }
  let limit = Math.min(initial, max);
  let slowStart = true;
  // The mean round trips of the last windows: the fastest of them is the
  // server's usual round trip. A window at a concurrency the server cannot
  // take is slower than that, however many steps it took to get there; and
  // once the fast windows have passed out of this list, a server that stays
  // slower is taken as it is.
  const recentMeans: number[] = [];
  // The window in progress.
  let count = 0;
  let totalRttMs = 0;
  let failed = false;
  let queued = false;
  return {
    get limit() {
      return limit;
    },
    observe(rttMs, outcome) {
      count++;
      totalRttMs += rttMs;
      failed ||= outcome.failed;
      queued ||= outcome.queued;
      if (count < limit) return;
      const meanRttMs = totalRttMs / count;
      const usualRttMs = Math.min(...recentMeans);
      const slower = meanRttMs > usualRttMs * tolerance &&
        meanRttMs - usualRttMs > minSlowdownMs;
      if (failed || slower) {
        limit = Math.max(1, Math.floor(limit / 2));
        slowStart = false;
      } else if (queued) {
        limit = Math.min(max, slowStart ? limit * 2 : limit + 1);
      }
      recentMeans.push(meanRttMs);
      if (recentMeans.length > RECENT_WINDOWS) recentMeans.shift();
      count = 0;
      totalRttMs = 0;
      failed = false;
      queued = false;
    },
  };
}
