/**
 * How fast a sender goes while a service pushes back (429, throttling), paced
 * by the share of items it refused rather than by whether it refused any. A
 * partial refusal is a signal to slow a little: wait as long as it takes for
 * the items sent to come down to those that were taken. Only a request of
 * which nothing was taken doubles the wait, and a clean one halves it.
 *
 * Why: Elasticsearch answers 429 per bulk item. With 10 % of items refused
 * independently, almost no 1,000-item request is clean; a delay that doubles
 * on any refusal and halves only on a clean request sits at its ceiling for
 * the whole run (80 to 110 times the fault-free time).
 *
 * @module
 */

/** Options for {@linkcode createSendPacer}. */
export interface SendPacerOptions {
  /**
   * The first wait after a request of which nothing was taken, in ms; a
   * wait halved below it drops to zero.
   *
   * @default 25
   */
  readonly minDelayMs?: number;
  /**
   * The longest wait, in ms.
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

/** How one request went, as {@linkcode SendPacer.observe} is told. */
export interface SendResult {
  /** Items the request carried. */
  readonly sent: number;
  /** Items the service pushed back (429, throttling): a passing failure is not counted. */
  readonly refused: number;
  /** How long the request took, in ms. */
  readonly durationMs: number;
}

/** The shared state of one sender: how long to wait before its next request. */
export interface SendPacer {
  /** The current wait before a request, in ms (0 when not pushed back). */
  readonly currentMs: number;
  /** Adjusts the wait to how a request went. */
  observe(result: SendResult): void;
  /** The jittered wait to sleep before the next request, in ms. */
  nextWaitMs(): number;
}

/**
 * Creates a pacer. After a request that refused a share `s` of its items
 * (0 < s < 1) the wait becomes `duration × s / (1 − s)`, the pause that
 * brings the rate of items sent down to the rate at which they were taken,
 * or half the previous wait if that is longer (so a burst of full refusals
 * eases off gradually). A request of which nothing was taken doubles the wait
 * (from `minDelayMs`, up to `maxDelayMs`); a clean one halves it, down to
 * zero below `minDelayMs`.
 *
 * @example Usage
 * ```ts
 * const pacer = createSendPacer({ minDelayMs: 25 });
 * pacer.observe({ sent: 1000, refused: 100, durationMs: 90 }); // currentMs 10
 * pacer.observe({ sent: 100, refused: 100, durationMs: 10 }); // currentMs 25
 * pacer.observe({ sent: 100, refused: 0, durationMs: 10 }); // currentMs 12.5… then 0
 * ```
 *
 * @throws {RangeError} When `minDelayMs` is not positive or `maxDelayMs` is below it.
 */
export function createSendPacer(options: SendPacerOptions = {}): SendPacer {
  const { minDelayMs = 25, maxDelayMs = 10_000, random = Math.random } =
    options;
  if (!(minDelayMs > 0) || !(maxDelayMs >= minDelayMs)) {
    throw new RangeError(
      `Cannot pace a sender as 'minDelayMs' must be positive and at most 'maxDelayMs': current values are ${minDelayMs} and ${maxDelayMs}`,
    );
  }
  let current = 0;
  const halved = () => current / 2 < minDelayMs ? 0 : current / 2;
  return {
    get currentMs() {
      return current;
    },
    observe({ sent, refused, durationMs }) {
      if (sent <= 0) return;
      const share = Math.min(1, Math.max(0, refused / sent));
      if (share === 0) {
        current = halved();
      } else if (share === 1) {
        current = Math.min(maxDelayMs, Math.max(minDelayMs, current * 2));
      } else {
        const matched = Math.max(0, durationMs) * share / (1 - share);
        current = Math.min(maxDelayMs, Math.max(matched, halved()));
      }
    },
    nextWaitMs() {
      return Math.round(current / 2 + (current / 2) * random());
    },
  };
}
