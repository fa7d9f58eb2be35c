/**
 * A send rate that adapts to a service's push-back (additive increase of the
 * rate, multiplicative decrease: AIMD, as TCP and Vector's adaptive
 * concurrency do it). A fixed sleep per throttled request makes a 10 %
 * throttling rate cost whole seconds per page; this waits only as long as
 * the service keeps asking.
 *
 * @module
 */

/** Options for {@linkcode createAdaptiveDelay}. */
export interface AdaptiveDelayOptions {
  /**
   * The first delay after a throttled request, in milliseconds.
   *
   * @default 25
   */
  readonly minDelayMs?: number;
  /**
   * The longest delay, in milliseconds.
   *
   * @default 10000
   */
  readonly maxDelayMs?: number;
  /**
   * A source of numbers in `[0, 1)`: each wait is jittered over its upper half.
   *
   * @default Math.random
   */
  readonly random?: () => number;
}

/** The shared state of one sender: how long to wait before the next request. */
export interface AdaptiveDelay {
  /** The current delay before a request, in milliseconds (0 when unthrottled). */
  readonly currentMs: number;
  /** The service pushed back (a 429, a throttling code): wait longer. */
  throttled(): void;
  /** A request went through without push-back: wait less. */
  succeeded(): void;
  /** The jittered wait to sleep before the next request, in milliseconds. */
  nextWaitMs(): number;
}

/**
 * Creates an adaptive delay: doubled on each throttled request (from
 * `minDelayMs`, up to `maxDelayMs`), halved on each clean one, and dropped to
 * zero once it falls below `minDelayMs`.
 *
 * @example Usage
 * ```ts
 * const delay = createAdaptiveDelay({ minDelayMs: 25 });
 * delay.throttled(); // currentMs 25
 * delay.throttled(); // currentMs 50
 * delay.succeeded(); // currentMs 25
 * delay.succeeded(); // currentMs 0
 * ```
 *
 * @throws {RangeError} When `minDelayMs` is not positive or `maxDelayMs` is below it.
 */
export function createAdaptiveDelay(
  options: AdaptiveDelayOptions = {},
): AdaptiveDelay {
  const { minDelayMs = 25, maxDelayMs = 10_000, random = Math.random } =
    options;
  if (!(minDelayMs > 0) || !(maxDelayMs >= minDelayMs)) {
    throw new RangeError(
      `Cannot adapt a delay as 'minDelayMs' must be positive and at most 'maxDelayMs': current values are ${minDelayMs} and ${maxDelayMs}`,
    );
  }
  let current = 0;
  return {
    get currentMs() {
      return current;
    },
    throttled() {
      current = Math.min(maxDelayMs, Math.max(minDelayMs, current * 2));
    },
    succeeded() {
      current = current / 2 < minDelayMs ? 0 : current / 2;
    },
    nextWaitMs() {
      return Math.round(current / 2 + (current / 2) * random());
    },
  };
}
