import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import { isAfterCheckpoint } from "./is_after_checkpoint.ts";

/**
 * A crash between writing a page and saving the checkpoint left that page in
 * the output (a file); the run from the checkpoint fetches it again, so it is
 * taken back first, when this run delivers every record of it again. Does
 * nothing for a sink that cannot take records back, or a checkpoint saved
 * without an output position.
 *
 * @param sink The run's sink.
 * @param checkpoint The checkpoint the run continues from.
 * @param end The end of the run's window.
 */
export async function resumeOutput(
  sink: Pick<RecordSink, "resume">,
  checkpoint: Checkpoint,
  end: Temporal.Instant,
): Promise<void> {
  if (checkpoint.output === undefined || sink.resume === undefined) return;
  await sink.resume(
    checkpoint.output,
    (record) => isAfterCheckpoint(record, checkpoint, end),
  );
}
