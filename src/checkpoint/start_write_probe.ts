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

/** A write probe under way (see {@linkcode startWriteProbe}). */
export interface WriteProbe extends AsyncDisposable {
  /** Resolves when the store can be written; rejects with its `StateError` otherwise. */
  proven(): Promise<void>;
}

/**
 * Starts proving that the store will take the run's next checkpoint (see
 * {@linkcode CheckpointStore.checkWritable}). Start it as soon as the
 * checkpoint is read and wait for {@linkcode WriteProbe.proven} just before
 * the first record is sent: the probe (a file written and removed, or one S3
 * request) runs beside the rest of the start-up and adds no round trip of its
 * own. A failure waits for the caller, never as an unhandled rejection; a run
 * that fails before waiting disposes the probe, which lets it finish, so no
 * probe file is left behind.
 *
 * @param store The checkpoint store, or `null` for a run that saves nothing.
 *
 * @example
 * ```ts ignore
 * await using probe = startWriteProbe(store, { stored, batchSize: 1000 });
 * // … detect the Opencast API, open the cache and the sink …
 * await probe.proven();
 * ```
 */
export function startWriteProbe(
  store: CheckpointStore | null,
  options: WriteProbeOptions,
): WriteProbe {
  const probe = store?.checkWritable?.(nextCheckpointBytes(options)) ??
    Promise.resolve();
  const settled = probe.then(() => {}, () => {});
  return {
    proven: () => probe,
    [Symbol.asyncDispose]: () => settled,
  };
}
