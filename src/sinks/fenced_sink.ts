import type { RecordSink } from "./record_sink.ts";

/**
 * Wraps a sink so that nothing is delivered once `fence` is aborted (the run
 * lost its lock): `deliver` then throws the abort reason instead of writing,
 * so a run that may no longer be the only one sends nothing more. Everything
 * else (position, resume, report) passes through. Without a signal the sink is returned as it is.
 *
 * @example
 * ```ts ignore
 * const sink = fenceSink(await openSink(settings), lock.lost);
 * ```
 */
export function fenceSink(
  sink: RecordSink,
  fence: AbortSignal | undefined,
): RecordSink {
  if (fence === undefined) return sink;
  const fenced: RecordSink = {
    description: sink.description,
    async deliver(records) {
      fence.throwIfAborted();
      await sink.deliver(records);
    },
    [Symbol.asyncDispose]: () => sink[Symbol.asyncDispose](),
  };
  if (sink.position) fenced.position = () => sink.position!();
  if (sink.resume) {
    fenced.resume = (position, redelivered) =>
      sink.resume!(position, redelivered);
  }
  if (sink.report) fenced.report = (run) => sink.report!(run);
  return fenced;
}
