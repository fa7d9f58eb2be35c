/** A part of a run being opened while the run does something else. */
export interface BackgroundPart<T extends AsyncDisposable>
  extends AsyncDisposable {
  /**
   * The part once opened, from then on the caller's to dispose; rejects as
   * the opening did.
   */
  take(): Promise<T>;
}

/**
 * Starts opening a part of a run now (loading its client, a first request)
 * and hands it over when the run gets to it, so the opening overlaps what
 * the run does meanwhile. Disposed before it was taken (the run failed
 * first), it aborts the opening, waits for it to end and closes whatever it
 * opened: nothing is left open and no rejection goes unhandled.
 *
 * @param open Opens the part; stops at the signal, rejecting with its reason.
 *
 * @example
 * ```ts ignore
 * await using stack = new AsyncDisposableStack();
 * const sink = stack.use(openInBackground((signal) => openSink(settings, { signal })));
 * // … take the lock, read the checkpoint …
 * const opened = stack.use(await sink.take());
 * ```
 */
export function openInBackground<T extends AsyncDisposable>(
  open: (signal: AbortSignal) => Promise<T>,
): BackgroundPart<T> {
  const controller = new AbortController();
  const opening = (async () => await open(controller.signal))();
  // Handled here, so a failure waits for take() (or is dropped on disposal).
  const settled = opening.then((part) => part, () => undefined);
  let taken = false;
  return {
    take() {
      taken = true;
      return opening;
    },
    async [Symbol.asyncDispose]() {
      if (taken) return;
      controller.abort(new DOMException("The run ended first", "AbortError"));
      await (await settled)?.[Symbol.asyncDispose]();
    },
  };
}
