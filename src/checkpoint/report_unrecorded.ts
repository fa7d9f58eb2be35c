import { LockedError, UnrecordedDeliveryError } from "../errors.ts";
import type { CheckpointStore } from "./checkpoint_store.ts";
import { plural } from "../util/plural.ts";

/**
 * Wraps a store so that a save failing after records were delivered says
 * so: {@linkcode UnrecordedDeliveryError} (exit 12) naming how many records
 * were delivered since the last save that went through (the next run
 * delivers them again) and why the save failed. A save with nothing
 * delivered since, and a fenced save (another run moved the checkpoint:
 * `LockedError`, exit 8), fail as they are.
 *
 * @param delivered Records delivered so far, e.g. `() => sink.delivered` of
 * a `countDeliveries()` sink.
 *
 * @example
 * ```ts ignore
 * const sink = countDeliveries(await openSink(settings));
 * const guarded = reportUnrecorded(store, () => sink.delivered);
 * ```
 */
export function reportUnrecorded(
  store: CheckpointStore,
  delivered: () => number,
): CheckpointStore {
  let recorded = 0;
  return {
    description: store.description,
    load: () => store.load(),
    async save(text) {
      try {
        await store.save(text);
        recorded = delivered();
      } catch (error) {
        const unrecorded = delivered() - recorded;
        if (unrecorded <= 0 || error instanceof LockedError) throw error;
        throw new UnrecordedDeliveryError(
          `${unrecorded} ${
            plural(unrecorded, "record was", "records were")
          } delivered but not recorded, so the next run delivers ${
            plural(unrecorded, "it", "them")
          } again: ${(error as Error).message}`,
          unrecorded,
          { cause: error },
        );
      }
    },
    ...(store.checkWritable
      ? { checkWritable: (bytes: number) => store.checkWritable!(bytes) }
      : {}),
    [Symbol.asyncDispose]: () => store[Symbol.asyncDispose](),
  };
}
