/**
 * The one "resend only what was refused" loop of the sinks that send items
 * in batches (Elasticsearch `_bulk` items, SQS `SendMessageBatch` entries):
 * send, keep what the service took, send the rest again, paced by how much
 * it pushed back, until nothing is left to resend.
 *
 * @module
 */
import { backoffDelay } from "./backoff_delay.ts";
import type { SendPacer } from "./send_pacer.ts";
import { sleep as defaultSleep } from "./sleep.ts";

/** What one attempt left to send again. */
export interface Refused<T> {
  /**
   * The items to send again. The sender decides per item (it knows the
   * attempt number and why each was refused); items it gives up on it keeps
   * for its own report.
   */
  readonly retry: readonly T[];
  /**
   * How many of `retry` the service pushed back (429, throttling), as
   * opposed to passing failures (5xx, no answer): the share paces the sender.
   */
  readonly throttled: number;
}

/** How the service was pushing back, as {@linkcode ResendOptions.onThrottled} is told. */
export interface Throttling {
  /** Items of the request the service pushed back. */
  readonly refused: number;
  /** Items the request carried. */
  readonly sent: number;
  /** The wait before the next request, in ms. */
  readonly waitMs: number;
}

/** Options for {@linkcode resendRefused}. */
export interface ResendOptions {
  /** The sender's pace, shared by all its requests (so one page slows the next). */
  readonly pacer: SendPacer;
  /**
   * The ceiling of the first backoff after a passing failure that was not
   * push-back (it doubles per attempt, with full jitter). @default 200
   */
  readonly initialBackoffMs?: number;
  /** The largest backoff ceiling. @default 10000 */
  readonly maxBackoffMs?: number;
  /** Told after every attempt the service pushed back on. @default {nothing} */
  readonly onThrottled?: (throttling: Throttling) => void;
  /** @default performance.now */
  readonly now?: () => number;
  /** @default an abortable setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A source of numbers in `[0, 1)` for the backoff jitter. @default Math.random */
  readonly random?: () => number;
}

/**
 * Sends `items`, then only what the service refused, until `send` leaves
 * nothing to resend. Before every request it waits as long as the pacer
 * says (push-back on earlier requests, of this call or another); after an
 * attempt whose refusals were all passing failures, it also backs off.
 *
 * @param send Sends the pending items (attempt 1 first) and says which to resend.
 * @returns How many attempts were made.
 *
 * @example
 * ```ts ignore
 * await resendRefused(documents, async (pending, attempt) => {
 *   const refused = await bulk(pending);
 *   return { retry: refused.filter(() => attempt < 4), throttled: refused.length };
 * }, { pacer: createSendPacer() });
 * ```
 */
export async function resendRefused<T>(
  items: readonly T[],
  send: (pending: readonly T[], attempt: number) => Promise<Refused<T>>,
  options: ResendOptions,
): Promise<number> {
  const {
    pacer,
    initialBackoffMs = 200,
    maxBackoffMs = 10_000,
    onThrottled,
    now = () => performance.now(),
    sleep = defaultSleep,
    random = Math.random,
  } = options;
  let pending = items;
  let attempt = 0;
  while (pending.length > 0) {
    attempt += 1;
    if (pacer.currentMs > 0) await sleep(pacer.nextWaitMs());
    const startedAt = now();
    const { retry, throttled } = await send(pending, attempt);
    pacer.observe({
      sent: pending.length,
      refused: throttled,
      durationMs: now() - startedAt,
    });
    if (throttled > 0) {
      onThrottled?.({
        refused: throttled,
        sent: pending.length,
        waitMs: pacer.currentMs,
      });
    } else if (retry.length > 0) {
      await sleep(backoffDelay(attempt, {
        initialBackoffMs,
        maxBackoffMs,
        random,
      }));
    }
    pending = retry;
  }
  return attempt;
}
