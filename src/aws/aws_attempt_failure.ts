/**
 * The retry decision for one failed attempt of an S3 or STS call, as the
 * SDK's standard retry strategy made it: network trouble, throttling and 5xx
 * are tried again; throttling waits longer (full jitter from 1 s instead of
 * 200 ms). Pure.
 *
 * @module
 */
import { classifyAwsError } from "./classify_aws_error.ts";
import { backoffDelay } from "../util/backoff_delay.ts";
import type { AttemptResult } from "../util/retry.ts";

/** The SDK's base delay after throttling, doubled per retry like the others. */
export const THROTTLED_BACKOFF_MS = 1000;
/** The SDK's ceiling of any delay between attempts. */
export const AWS_MAX_BACKOFF_MS = 20_000;

/**
 * The failed {@linkcode AttemptResult} of attempt number `attempt`.
 *
 * @example Usage
 * ```ts ignore
 * awsAttemptFailure(new AwsNetworkError("no answer", "TimeoutError"), 1).retryable; // true
 * ```
 */
export function awsAttemptFailure(
  error: unknown,
  attempt: number,
  random: () => number = Math.random,
): AttemptResult<never> {
  const failure = classifyAwsError(error);
  return {
    ok: false,
    retryable: failure.retryable,
    ...(failure.kind === "throttled"
      ? {
        retryAfterMs: backoffDelay(attempt, {
          initialBackoffMs: THROTTLED_BACKOFF_MS,
          maxBackoffMs: AWS_MAX_BACKOFF_MS,
          random,
        }),
      }
      : {}),
    error,
  };
}
