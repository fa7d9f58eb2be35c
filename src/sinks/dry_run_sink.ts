import { getLogger } from "@logtape/logtape";
import type { ActionRecord } from "../record/action_record.ts";
import type { RecordSink } from "./record_sink.ts";
import { plural } from "../util/plural.ts";

/** A sink that sends nothing and counts what it would have sent (`--dry-run`). */
export interface DryRunSink extends RecordSink {
  /** How many records would have been delivered. */
  readonly count: number;
  /** The records of the first page, for a sample in the report. */
  readonly sample: readonly ActionRecord[];
}

/** Options for {@linkcode createDryRunSink}. */
export interface DryRunSinkOptions {
  /**
   * Whether the run it stands in for would move the checkpoint (see
   * `checkpointPolicy()`), for its report. @default true
   */
  readonly moves?: boolean;
}

// The report closes the harvest's summary, so it logs under its category.
const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Creates a {@linkcode DryRunSink} standing in for the named sink. Its
 * `report()` logs what the run would have sent and done with the checkpoint,
 * so the harvest itself never asks whether it is a dry run.
 */
export function createDryRunSink(
  wouldBe: string,
  options: DryRunSinkOptions = {},
): DryRunSink {
  const { moves = true } = options;
  let count = 0;
  let sample: readonly ActionRecord[] = [];
  return {
    description: `dry run (would send to ${wouldBe})`,
    get count() {
      return count;
    },
    get sample() {
      return sample;
    },
    deliver(records) {
      if (count === 0) sample = records.slice(0, 3);
      count += records.length;
      return Promise.resolve();
    },
    report({ stored, checkpoint }) {
      logger.info(
        `Dry run: would have sent {count} ${
          plural(count, "record")
        } to {output} and {move} the checkpoint ` +
          "{checkpoint}; nothing was sent or saved",
        {
          count,
          output: wouldBe,
          move: moves ? "moved" : "left",
          checkpoint: moves
            ? `to ${checkpoint?.timestamp.toString() ?? "none"}`
            : `at ${
              stored?.timestamp.toString() ?? "none"
            } (this run does not move it)`,
          sample,
        },
      );
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
