/**
 * The pure retry classifier of the HTTP JSON clients (Opencast, Matomo):
 * whether a failed attempt is worth another one, and whether the server named
 * the wait. `retryRequest()` (`./retry_request.ts`) applies it; the loop, the
 * backoff and the attempt count are the shared ones in `src/util/retry.ts`.
 *
 * @module
 */
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

/** The classifier's verdict on one failed attempt. */
export interface AttemptVerdict {
  /** `false` when retrying cannot help (a 4xx other than 408/429, or 501). */
  readonly retryable: boolean;
  /** The wait the server asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
}

/**
 * Classifies a failed attempt: timeouts, network errors, 408, 429 and 5xx
 * (but 501) are worth another attempt; a `Retry-After` in seconds or as an
 * HTTP date becomes the wait (the loop caps it).
 *
 * @example Usage
 * ```ts
 * classifyAttempt({ kind: "status", status: 503, retryAfter: "7" });
 * // { retryable: true, retryAfterMs: 7000 }
 * classifyAttempt({ kind: "status", status: 404 }); // { retryable: false }
 * ```
 *
 * @param outcome How the attempt ended.
 * @param now The current time in epoch milliseconds, to read a date `Retry-After`.
 */
export function classifyAttempt(
  outcome: AttemptOutcome,
  now: number = Date.now(),
): AttemptVerdict {
  if (!isRetryable(outcome)) return { retryable: false };
  const retryAfterMs = outcome.kind === "status"
    ? parseRetryAfter(outcome.retryAfter, now)
    : null;
  return retryAfterMs === null
    ? { retryable: true }
    : { retryable: true, retryAfterMs };
}

function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.kind !== "status") return true;
  const { status } = outcome;
  return status === 408 || status === 429 ||
    (status >= 500 && status <= 599 && status !== 501);
}
