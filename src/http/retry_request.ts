/**
 * The request-with-retry core of the HTTP JSON clients (Opencast, Matomo):
 * one timeout per attempt, the run's abort signal, a failed `fetch` told
 * apart as a timeout, a network error or an untrusted certificate (never
 * retried), the status classified by `classifyAttempt()`, and the cause of
 * every retry and of the last failure named in words. Each client keeps its
 * own request, authentication, status handling and messages.
 *
 * @module
 */
import { UaHarvestError, UnreachableError } from "../errors.ts";
import {
  certificateProblem,
  describeCertificateError,
} from "../tls/describe_certificate_error.ts";
import { retry, type RetryOptions } from "../util/retry.ts";
import { describeFetchError } from "./describe_fetch_error.ts";
import { type AttemptOutcome, classifyAttempt } from "./retry_decision.ts";

/** An answer the client accepted, with its parsed value. */
export interface AcceptedAnswer<T> {
  readonly kind: "json";
  readonly value: T;
}

/** A status the client did not accept, with what it keeps of the answer. */
export type StatusOutcome = Extract<AttemptOutcome, { kind: "status" }>;

/** How a failed attempt ended: the client's status outcome, a timeout or a network error. */
export type FailedOutcome<S extends StatusOutcome> =
  | S
  | Exclude<AttemptOutcome, { kind: "status" }>;

/** A failed attempt, as the hooks of {@linkcode retryRequest} see it. */
export interface FailedRequest<S extends StatusOutcome> {
  /** The number of the attempt that failed, 1 for the first. */
  readonly attempt: number;
  /** How it ended. */
  readonly outcome: FailedOutcome<S>;
  /** The outcome in words: `HTTP 503`, `timeout after 30000 ms`, `network error: connection refused (…)`. */
  readonly cause: string;
  /** Whether another attempt could have helped. */
  readonly retryable: boolean;
}

/**
 * How a client retries its requests: the attempts and backoff of
 * {@linkcode RetryOptions}, one timeout per attempt, the run's signal and
 * the wait. A client keeps one and hands it to every call.
 */
export interface RequestRetrySettings extends RetryOptions {
  /** The timeout of one attempt, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Aborts the attempt in flight and the waits; the call then rejects with
   * its reason.
   *
   * @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * The wait between attempts.
   *
   * @default the retry loop's abortable `setTimeout`
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A failed attempt about to be retried, as `onRetry` sees it. */
export interface RetriedRequest<S extends StatusOutcome>
  extends FailedRequest<S> {
  /** The wait before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /**
   * The structured properties every retry warning carries, for the
   * client's log line: `cause`, `status` (the HTTP status, or `timeout` or
   * `network`), `error` (a network error's description), `attempt`,
   * `maxAttempts` and `delayMs`.
   */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Options for {@linkcode retryRequest}. */
export interface RetryRequestOptions<S extends StatusOutcome>
  extends RequestRetrySettings {
  /**
   * What is asked, for the line of an untrusted certificate
   * (`Opencast engage host engage.example.edu`, `Matomo at matomo.example.edu`).
   */
  readonly server: string;
  /**
   * Told before each wait, for the client's warning (which names `cause`)
   * and its retry count.
   */
  readonly onRetry: (retried: RetriedRequest<S>) => void;
  /** Turns the last failure into the error to throw. */
  readonly giveUp: (failed: FailedRequest<S>) => unknown;
}

/**
 * Sends a request until an attempt is accepted, fails for good, or the
 * attempts run out. `attempt` sends once with the signal it is given (the
 * attempt's timeout and the caller's signal) and returns the accepted answer
 * or the status it did not accept; it throws a `UaHarvestError` for what no
 * retry can change (a refused login, a 404). A `fetch` that throws is a
 * timeout, a network error (both retried), or an untrusted certificate: an
 * `UnreachableError` at once, since retrying cannot make it trusted.
 *
 * @example Usage
 * ```ts ignore
 * const value = await retryRequest(async (signal) => {
 *   const response = await fetch(url, { signal });
 *   return response.ok
 *     ? { kind: "json", value: await response.json() }
 *     : { kind: "status", status: response.status, retryAfter: response.headers.get("retry-after") };
 * }, {
 *   timeoutMs: 30_000,
 *   server: `Example at ${url.host}`,
 *   onRetry: ({ cause, delayMs }) => console.warn(`failed (${cause}), retrying in ${delayMs} ms`),
 *   giveUp: ({ cause }) => new Error(`no answer: last ${cause}`),
 * });
 * ```
 *
 * @returns The value of the accepted answer.
 * @throws What `attempt` throws as a `UaHarvestError`, an `UnreachableError`
 * for an untrusted certificate, the signal's reason, or what `giveUp` returns.
 */
export async function retryRequest<T, S extends StatusOutcome>(
  attempt: (signal: AbortSignal) => Promise<AcceptedAnswer<T> | S>,
  options: RetryRequestOptions<S>,
): Promise<T> {
  const { timeoutMs, server, signal, onRetry, giveUp, ...retryOptions } =
    options;
  const cause = (outcome: FailedOutcome<S>) =>
    describeOutcome(outcome, timeoutMs);
  return await retry<T>(async () => {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(timeoutMs);
    let result: AcceptedAnswer<T> | FailedOutcome<S>;
    try {
      result = await attempt(
        signal ? AbortSignal.any([timeout, signal]) : timeout,
      );
    } catch (error) {
      if (error instanceof UaHarvestError) throw error;
      if (signal?.aborted) throw signal.reason;
      const certificate = timeout.aborted
        ? undefined
        : certificateProblem(error);
      if (certificate !== undefined) {
        // Retrying cannot make a certificate trusted.
        throw new UnreachableError(
          describeCertificateError(server, certificate),
          { cause: error },
        );
      }
      result = timeout.aborted
        ? { kind: "timeout" }
        : { kind: "network", message: describeFetchError(error) };
    }
    if (result.kind === "json") return { ok: true, value: result.value };
    const verdict = classifyAttempt(result);
    return {
      ok: false,
      retryable: verdict.retryable,
      ...(verdict.retryAfterMs === undefined
        ? {}
        : { retryAfterMs: verdict.retryAfterMs }),
      error: result,
    };
  }, {
    ...retryOptions,
    signal,
    onRetry: ({ attempt, error, retryable, delayMs }) => {
      const outcome = error as FailedOutcome<S>;
      const described = cause(outcome);
      onRetry({
        attempt,
        outcome,
        cause: described,
        retryable,
        delayMs,
        properties: {
          cause: described,
          status: outcome.kind === "status" ? outcome.status : outcome.kind,
          error: outcome.kind === "network" ? outcome.message : undefined,
          attempt,
          maxAttempts: options.maxAttempts,
          delayMs,
        },
      });
    },
    giveUp: ({ attempt, error, retryable }) => {
      const outcome = error as FailedOutcome<S>;
      return giveUp({ attempt, outcome, cause: cause(outcome), retryable });
    },
  });
}

/** A failed attempt in words, for warnings and the final error. */
function describeOutcome(outcome: AttemptOutcome, timeoutMs: number): string {
  switch (outcome.kind) {
    case "status":
      return `HTTP ${outcome.status}`;
    case "timeout":
      return `timeout after ${timeoutMs} ms`;
    case "network":
      return `network error: ${outcome.message}`;
  }
}
