import type { RecordSink } from "./record_sink.ts";
import { wrapDeliver } from "./wrap_deliver.ts";

/**
 * Wraps a sink so that nothing is delivered once `fence` is aborted (the run
 * lost its lock): `deliver` then throws the abort reason instead of writing,
 * so a run that may no longer be the only one sends nothing more. Everything
 * else (position, resume, report) passes through (see `wrapDeliver()`).
 * Without a signal the sink is returned as it is.
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
  return wrapDeliver(sink, async (records) => {
    fence.throwIfAborted();
    await sink.deliver(records);
  });
}
