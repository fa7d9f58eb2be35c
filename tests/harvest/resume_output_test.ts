import assert from "node:assert/strict";
import { resumeOutput } from "../../src/harvest/resume_output.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import type {
  Checkpoint,
  OutputPosition,
} from "../../src/checkpoint/checkpoint_format.ts";

const END = Temporal.Instant.from("2024-03-01T16:00:00Z");
const CHECKPOINT: Checkpoint = {
  timestamp: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  ids: [10],
  output: { path: "/out.jsonl", size: 42 },
};

Deno.test("resumeOutput() asks the sink to take back what this run delivers again", async () => {
  const calls: [OutputPosition, boolean[]][] = [];
  const records = [
    { action_id: 10, timestamp: "2024-03-01T15:00:00+00:00" },
    { action_id: 11, timestamp: "2024-03-01T15:00:00+00:00" },
    { action_id: 12, timestamp: "2024-03-01T16:00:01+00:00" },
  ] as ActionRecord[];
  await resumeOutput(
    {
      resume(position, redelivered) {
        calls.push([position, records.map(redelivered)]);
        return Promise.resolve(0);
      },
    },
    CHECKPOINT,
    END,
  );
  assert.deepEqual(calls, [[CHECKPOINT.output, [false, true, false]]]);
});

Deno.test("resumeOutput() does nothing without a saved position or a sink that can take back", async () => {
  let called = false;
  const sink = {
    resume() {
      called = true;
      return Promise.resolve(0);
    },
  };
  const { output: _, ...withoutOutput } = CHECKPOINT;
  await resumeOutput(sink, withoutOutput, END);
  await resumeOutput({}, CHECKPOINT, END);
  assert.equal(called, false);
});
