import type { ActionRecord } from "../record/action_record.ts";
import type {
  Checkpoint,
  OutputPosition,
} from "../checkpoint/checkpoint_format.ts";

/**
 * Where harvested records go. A sink delivers one page at a time and resolves
 * only when every record of the page was accepted, so the harvest can move its
 * checkpoint past the page. Disposal flushes and closes what the sink opened.
 */
export interface RecordSink extends AsyncDisposable {
  /** A short description for logs, e.g. `sqs:my-queue` (never a secret). */
  readonly description: string;
  /**
   * Delivers a page of records.
   *
   * @throws {DeliveryError} when some records were still rejected after retries;
   * the message names them.
   */
  deliver(records: readonly ActionRecord[]): Promise<void>;
  /**
   * Only sinks that can take back what they wrote (a file): where the output
   * ends now, saved with the checkpoint after each page.
   */
  position?(): OutputPosition;
  /**
   * Only with {@linkcode position}: takes back what was written after a
   * checkpointed position (a page written but not checkpointed before a
   * crash) when `redelivered` says this run delivers every record of it
   * again; otherwise keeps it all (a repeat rather than a loss).
   *
   * @returns How many records were taken back.
   */
  resume?(
    position: OutputPosition,
    redelivered: (record: ActionRecord) => boolean,
  ): Promise<number>;
  /**
   * Only sinks with something to add to the run's summary (the dry run: what
   * it would have sent and done): logs it once the run ended, finished or
   * failed, after the summary line.
   */
  report?(run: SinkRunEnd): void;
}

/** How a run ended, as {@linkcode RecordSink.report} is told. */
export interface SinkRunEnd {
  /** The checkpoint the run started from. */
  readonly stored: Checkpoint | null;
  /** Where the run got to (saved, or where a saving run would have saved). */
  readonly checkpoint: Checkpoint | null;
}
