import {
  type Checkpoint,
  serializeCheckpoint,
} from "../checkpoint/checkpoint_format.ts";
import type { CheckpointStore } from "../checkpoint/checkpoint_store.ts";
import type { RecordSink } from "../sinks/record_sink.ts";

/** Options for {@linkcode createCheckpointWriter}. */
export interface CheckpointWriterOptions {
  readonly store: CheckpointStore;
  /** The server's zone, for the checkpoint's human-readable time. */
  readonly zone: string;
  /** The action source whose checkpoint this is (`ActionSource.name`), written into each. */
  readonly source: string;
  /** Its position (a file's size) is saved with each checkpoint. */
  readonly sink: Pick<RecordSink, "position">;
  /** Aborted when the run lost its lock: nothing more is saved. @default {none} */
  readonly fence?: AbortSignal;
}

/**
 * Saves the harvest's checkpoints: each with the source's name, the sink's
 * position, and named by this run and a counter (see `serializeCheckpoint()`), so a store's fence
 * can tell its own retried write from another run's.
 *
 * @returns Saves one checkpoint; throws the lock's loss once the lock is lost.
 */
export function createCheckpointWriter(
  options: CheckpointWriterOptions,
): (checkpoint: Checkpoint) => Promise<void> {
  const { store, zone, source, sink, fence } = options;
  const runId = crypto.randomUUID();
  let writes = 0;
  return async (checkpoint) => {
    fence?.throwIfAborted();
    await store.save(
      serializeCheckpoint(
        { ...checkpoint, source, output: sink.position?.() },
        zone,
        { writer: `${runId}:${++writes}` },
      ),
    );
  };
}
