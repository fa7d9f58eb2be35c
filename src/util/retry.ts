/**
 * The one retry loop of the tool. Each service keeps its own pure classifier
 * (which failures are worth another attempt, and whether the server named a
 * delay); the loop, the backoff and the option names are shared.
 *
 * @module
 */
import { backoffDelay, type BackoffOptions } from "./backoff_delay.ts";
import { sleep as abortableSleep } from "./sleep.ts";

/** The retry settings every service shares (one naming scheme). */
export interface RetryOptions extends BackoffOptions {
  /**
   * How many attempts a call gets in all, the first one included.
   *
   * @default 5
   */
  readonly maxAttempts?: number;
}

/** What one attempt ended with. */
export type AttemptResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
    readonly ok: false;
    /** Whether another attempt can help (a timeout, 429, 5xx, a reset…). */
    readonly retryable: boolean;
    /** A delay the server asked for (`Retry-After`), in milliseconds. */
    readonly retryAfterMs?: number;
    /** The failure, thrown when no attempt is left (see `giveUp`). */
    readonly error: unknown;
  };

/** A failed attempt, as the hooks of {@linkcode retry} see it. */
export interface FailedAttempt {
  /** The number of the attempt that failed, 1 for the first. */
  readonly attempt: number;
  /** Its failure. */
  readonly error: unknown;
  /** Whether it could have been retried had attempts been left. */
  readonly retryable: boolean;
}

/** Options for {@linkcode retry}. */
export interface RetryLoopOptions extends RetryOptions {
  /**
   * Ends the waits between attempts; the loop then throws the signal's reason.
   *
   * @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * Told before each wait, for a log line.
   *
   * @default undefined
   */
  readonly onRetry?: (failed: FailedAttempt & { delayMs: number }) => void;
  /**
   * Turns the last failure into the error to throw (for example one that
   * names the number of attempts).
   *
   * @default the attempt's own error
   */
  readonly giveUp?: (failed: FailedAttempt) => unknown;
  /**
   * Waits between attempts; tests pass a fake.
   *
   * @default an abortable `setTimeout`
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Calls `attempt` until it succeeds, fails for good, or the attempts run
 * out, waiting {@linkcode backoffDelay} between attempts (or the server's
 * `Retry-After`, capped at `maxBackoffMs`).
 *
 * @example Usage
 * ```ts
 * const body = await retry(async () => {
 *   const response = await fetch(url);
 *   return response.ok
 *     ? { ok: true, value: await response.text() }
 *     : { ok: false, retryable: response.status >= 500, error: new Error(`HTTP ${response.status}`) };
 * }, { maxAttempts: 3 });
 * ```
 *
 * @param attempt One try; it is given the attempt number (1 for the first).
 * @param options Attempts, backoff, signal and hooks.
 * @returns The value of the first successful attempt.
 * @throws {RangeError} When `maxAttempts` is not a positive integer.
 * @throws The last failure (through `giveUp`), or the signal's reason.
 */
export async function retry<T>(
  attempt: (attempt: number) => Promise<AttemptResult<T>>,
  options: RetryLoopOptions = {},
): Promise<T> {
  const {
    maxAttempts = 5,
    signal,
    onRetry,
    giveUp = (failed) => failed.error,
    sleep = (ms, signal) => abortableSleep(ms, { signal }),
    ...backoff
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(
      `Cannot retry as 'maxAttempts' must be a positive integer: current value is ${maxAttempts}`,
    );
  }
  const maxBackoffMs = backoff.maxBackoffMs ?? 30_000;
  for (let number = 1;; number++) {
    signal?.throwIfAborted();
    const result = await attempt(number);
    if (result.ok) return result.value;
    const failed = {
      attempt: number,
      error: result.error,
      retryable: result.retryable,
    };
    if (!result.retryable || number >= maxAttempts) throw giveUp(failed);
    const delayMs = result.retryAfterMs !== undefined
      ? Math.min(result.retryAfterMs, maxBackoffMs)
      : backoffDelay(number, backoff);
    onRetry?.({ ...failed, delayMs });
    await sleep(delayMs, signal);
  }
}
