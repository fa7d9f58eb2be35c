import type { ActionRecord } from "../record/action_record.ts";
import type { RecordSink } from "./record_sink.ts";

/** A sink that sends nothing and counts what it would have sent (`--dry-run`). */
export interface DryRunSink extends RecordSink {
  /** How many records would have been delivered. */
  readonly count: number;
  /** The records of the first page, for a sample in the report. */
  readonly sample: readonly ActionRecord[];
}

/** Creates a {@linkcode DryRunSink} standing in for the named sink. */
export function createDryRunSink(wouldBe: string): DryRunSink {
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
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
