/**
 * The pure retry decision of the Opencast client: given how an attempt ended
 * and how many attempts were made, retry after some delay or give up.
 *
 * @module
 */
import { backoffDelay, type BackoffOptions } from "../util/backoff_delay.ts";
import { parseRetryAfter } from "./_retry_after.ts";

/** How one attempt at a request ended, when it did not succeed. */
export type AttemptOutcome =
  | {
    /** The server answered with a status the client did not accept. */
    readonly kind: "status";
    readonly status: number;
    /** The `Retry-After` header, when the server sent one. */
    readonly retryAfter?: string | null;
  }
  | {
    /** The per-request timeout fired. */
    readonly kind: "timeout";
  }
  | {
    /** The connection failed (refused, reset, DNS, TLS…). */
    readonly kind: "network";
    readonly message: string;
  };

/** What to do after a failed attempt. */
export type RetryDecision =
  | {
    readonly retry: true;
    /** How long to wait before the next attempt, in milliseconds. */
    readonly delayMs: number;
  }
  | {
    readonly retry: false;
    /**
     * `permanent` when retrying cannot help (a 4xx other than 408/429),
     * `exhausted` when the attempts ran out.
     */
    readonly reason: "permanent" | "exhausted";
  };

/** Options for {@linkcode decideRetry}. */
export interface RetryDecisionOptions extends BackoffOptions {
  /** The number of the attempt that just failed, 1 for the first. */
  readonly attempt: number;
  /**
   * How many attempts a request gets in all, the first one included.
   *
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * The current time in epoch milliseconds, to read a date `Retry-After`.
   *
   * @default Date.now()
   */
  readonly now?: number;
}

/**
 * Decides whether to retry. Network errors, timeouts, 408, 429 and 5xx
 * (except 501, which will not change) are retried with exponential backoff
 * and full jitter; a `Retry-After` from the server replaces the backoff, but
 * never beyond `maxBackoffMs`, so a confused server cannot stall a cron run.
 *
 * @example Usage
 * ```ts
 * decideRetry({ kind: "status", status: 503, retryAfter: "2" }, { attempt: 1 });
 * // { retry: true, delayMs: 2000 }
 * ```
 */
export function decideRetry(
  outcome: AttemptOutcome,
  options: RetryDecisionOptions,
): RetryDecision {
  const { attempt, maxAttempts = 5, now = Date.now(), ...backoff } = options;
  if (!isRetryable(outcome)) return { retry: false, reason: "permanent" };
  if (attempt >= maxAttempts) return { retry: false, reason: "exhausted" };
  const maxBackoffMs = backoff.maxBackoffMs ?? 30_000;
  const retryAfterMs = outcome.kind === "status"
    ? parseRetryAfter(outcome.retryAfter, now)
    : null;
  if (retryAfterMs !== null) {
    return { retry: true, delayMs: Math.min(retryAfterMs, maxBackoffMs) };
  }
  return { retry: true, delayMs: backoffDelay(attempt, backoff) };
}

function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.kind !== "status") return true;
  const { status } = outcome;
  return status === 408 || status === 429 ||
    (status >= 500 && status <= 599 && status !== 501);
}
