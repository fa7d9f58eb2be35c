import type { RecordSink } from "./record_sink.ts";

/**
 * A sink that is `sink` except for `deliver`: its description, disposal
 * and optional members (`position`, `resume`, `report`) pass through, each
 * present only where `sink` has it. The one place that forwards them, so a
 * wrapper (`fenceSink()`, `countDeliveries()`) cannot forget a new one.
 *
 * @example
 * ```ts ignore
 * const logged = wrapDeliver(sink, async (records) => {
 *   await sink.deliver(records);
 *   console.log(`${records.length} delivered`);
 * });
 * ```
 *
 * @param sink The sink wrapped.
 * @param deliver Replaces `sink.deliver` (and calls it when it should).
 * @returns The wrapping sink.
 */
export function wrapDeliver(
  sink: RecordSink,
  deliver: RecordSink["deliver"],
): RecordSink {
  const wrapped: RecordSink = {
    description: sink.description,
    deliver,
    [Symbol.asyncDispose]: () => sink[Symbol.asyncDispose](),
  };
  if (sink.position) wrapped.position = () => sink.position!();
  if (sink.resume) {
    wrapped.resume = (position, redelivered) =>
      sink.resume!(position, redelivered);
  }
  if (sink.report) wrapped.report = (run) => sink.report!(run);
  return wrapped;
}
