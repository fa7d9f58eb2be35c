import type { RecordSink } from "./record_sink.ts";

/** A sink that counts the records it delivered. */
export interface CountedSink extends RecordSink {
  /** Records delivered so far (pages that resolved). */
  readonly delivered: number;
}

/**
 * Wraps a sink to count the records of every page it delivered, so a
 * checkpoint that cannot be saved afterwards can say how many records the
 * next run repeats (see `reportUnrecorded()`). Everything else passes
 * through.
 *
 * @example
 * ```ts ignore
 * const sink = countDeliveries(await openSink(settings));
 * await sink.deliver(records);
 * sink.delivered; // records.length
 * ```
 */
export function countDeliveries(sink: RecordSink): CountedSink {
  let delivered = 0;
  const counted: CountedSink = {
    description: sink.description,
    get delivered() {
      return delivered;
    },
    async deliver(records) {
      await sink.deliver(records);
      delivered += records.length;
    },
    [Symbol.asyncDispose]: () => sink[Symbol.asyncDispose](),
  };
  if (sink.position) counted.position = () => sink.position!();
  if (sink.resume) {
    counted.resume = (position, redelivered) =>
      sink.resume!(position, redelivered);
  }
  if (sink.report) counted.report = (run) => sink.report!(run);
  return counted;
}
