import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { parseOffsetTimestamp } from "../opencast/opencast_time.ts";

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

/**
 * Whether a record lies after the checkpoint and within the window, i.e.
 * whether this run delivers it again: created in a later second than the
 * checkpoint, or in its second with an id the checkpoint does not hold, and
 * not after `end`. A record without a readable `timestamp` or a numeric
 * `action_id` is not (kept rather than taken back: a repeat, not a loss).
 *
 * @param record A record found in the output after the checkpointed position.
 * @param checkpoint The checkpoint this run starts from.
 * @param end The end of this run's window.
 */
export function isAfterCheckpoint(
  record: ActionRecord,
  checkpoint: Checkpoint,
  end: Temporal.Instant,
): boolean {
  const created = typeof record.timestamp === "string"
    ? parseOffsetTimestamp(record.timestamp)
    : null;
  if (created === null || typeof record.action_id !== "number") return false;
  const second = created.round({
    smallestUnit: "second",
    roundingMode: "floor",
  });
  const order = Temporal.Instant.compare(second, checkpoint.timestamp);
  return Temporal.Instant.compare(second, end) <= 0 &&
    (order > 0 ||
      (order === 0 && !checkpoint.ids.includes(record.action_id)));
}
