import type { Checkpoint } from "./checkpoint_format.ts";
import type { CheckpointStore } from "./checkpoint_store.ts";

/** Options for {@linkcode startWriteProbe}. */
export interface WriteProbeOptions {
  /** The checkpoint the run starts from (its ids are carried forward). */
  readonly stored: Checkpoint | null;
  /** Actions per page: a page's ids may all land in the next checkpoint. */
  readonly batchSize: number;
}

/**
 * Bytes of one id in the checkpoint's JSON: up to 16 digits (a safe integer)
 * and a comma, with room to spare.
 */
const ID_BYTES = 24;
/** The rest of the checkpoint (times, zone, cursor, output path), generously. */
const FIXED_BYTES = 4096;

/**
 * An upper bound of the next checkpoint's size: the ids it holds now and a
 * whole page more, plus its fixed fields.
 */
export function nextCheckpointBytes(options: WriteProbeOptions): number {
  const ids = (options.stored?.ids.length ?? 0) + options.batchSize;
  return FIXED_BYTES + ids * ID_BYTES;
}

/**
 * Starts proving that the store will take the run's next checkpoint (see
 * {@linkcode CheckpointStore.checkWritable}) and returns a function that
 * waits for the answer. Start it as soon as the checkpoint is read and wait
 * just before the first record is sent: the probe (a file written and
 * removed, or one S3 request) runs beside the rest of the start-up and adds
 * no round trip of its own. A failure waits for the caller, never as an
 * unhandled rejection, also when the run fails before waiting.
 *
 * @param store The checkpoint store, or `null` for a run that saves nothing.
 * @returns Resolves when the store can be written; rejects with its `StateError` otherwise.
 *
 * @example
 * ```ts ignore
 * const writable = startWriteProbe(store, { stored, batchSize: 1000 });
 * // … detect the Opencast API, open the cache and the sink …
 * await writable();
 * ```
 */
export function startWriteProbe(
  store: CheckpointStore | null,
  options: WriteProbeOptions,
): () => Promise<void> {
  const probe = store?.checkWritable?.(nextCheckpointBytes(options)) ??
    Promise.resolve();
  probe.catch(() => {});
  return () => probe;
}
