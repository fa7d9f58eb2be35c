/** Options for {@linkcode sleep}. */
export interface SleepOptions {
  /** Ends the wait early (resolving, not rejecting) when aborted. @default undefined */
  readonly signal?: AbortSignal;
}

/**
 * Waits `ms` milliseconds, or less when the signal aborts: a run told to stop
 * should not sit out a pause first. Callers that must not go on after an
 * abort check `signal.aborted` (or `throwIfAborted()`) afterwards.
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
