import { sleep } from "./sleep.ts";

/** Options for {@linkcode pace}. */
export interface PaceOptions {
  /** The least time from the end of one call to the start of the next, ms; 0 paces nothing. */
  readonly intervalMs: number;
  /**
   * Aborted: a call waiting out its pause rejects with the signal's reason
   * instead of going on. @default {none}
   */
  readonly signal?: AbortSignal;
  /** The clock, ms. @default {performance.now} */
  readonly now?: () => number;
  /** Waits, ms. @default {sleep} */
  readonly sleep?: (
    ms: number,
    options: { signal?: AbortSignal },
  ) => Promise<void>;
}

/**
 * Wraps `call` so that each call starts at least `intervalMs` after the one
 * before it ended (a pause that spares a server between requests). The first
 * call, and a call made when the pause has already passed, go at once, so
 * nothing waits after the last request.
 *
 * @example Usage
 * ```ts ignore
 * const fetchPage = pace(requests.fetchPage, { intervalMs: 1000 });
 * ```
 */
export function pace<A extends unknown[], R>(
  call: (...args: A) => Promise<R>,
  options: PaceOptions,
): (...args: A) => Promise<R> {
  const {
    intervalMs,
    signal,
    now = () => performance.now(),
    sleep: wait = sleep,
  } = options;
  if (intervalMs <= 0) return call;
  let lastEnd: number | undefined;
  return async (...args) => {
    if (lastEnd !== undefined) {
      const left = lastEnd + intervalMs - now();
      if (left > 0) await wait(left, { signal });
    }
    signal?.throwIfAborted();
    try {
      return await call(...args);
    } finally {
      lastEnd = now();
    }
  };
}
