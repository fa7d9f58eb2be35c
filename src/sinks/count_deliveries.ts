import type { RecordSink } from "./record_sink.ts";
import { wrapDeliver } from "./wrap_deliver.ts";

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
  return {
    ...wrapDeliver(sink, async (records) => {
      await sink.deliver(records);
      delivered += records.length;
    }),
    get delivered() {
      return delivered;
    },
  };
}
