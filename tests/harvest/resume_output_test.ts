import assert from "node:assert/strict";
import {
  isAfterCheckpoint,
  resumeOutput,
} from "../../src/harvest/resume_output.ts";
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

const AT_CHECKPOINT: Checkpoint = {
  timestamp: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  ids: [10, 11],
};

function bareRecord(action_id: unknown, timestamp: unknown): ActionRecord {
  return { action_id, timestamp } as unknown as ActionRecord;
}

Deno.test("isAfterCheckpoint() takes a later second up to the window end, in any offset, and nothing before or after", () => {
  const cases: [string, boolean][] = [
    ["2024-03-01T15:00:01+00:00", true],
    ["2024-03-01T10:30:00-05:00", true],
    ["2024-03-01T16:00:00+00:00", true],
    ["2024-03-01T16:00:00.900+00:00", true],
    ["2024-03-01T14:59:59+00:00", false],
    ["2024-03-01T09:59:59-05:00", false],
    ["2024-03-01T16:00:01+00:00", false],
  ];
  for (const [timestamp, after] of cases) {
    assert.equal(
      isAfterCheckpoint(bareRecord(1, timestamp), AT_CHECKPOINT, END),
      after,
      timestamp,
    );
  }
});

Deno.test("isAfterCheckpoint() in the checkpoint's second takes only ids it does not hold", () => {
  const second = "2024-03-01T15:00:00.500+00:00";
  assert.equal(
    isAfterCheckpoint(bareRecord(10, second), AT_CHECKPOINT, END),
    false,
  );
  assert.equal(
    isAfterCheckpoint(bareRecord(11, second), AT_CHECKPOINT, END),
    false,
  );
  assert.equal(
    isAfterCheckpoint(bareRecord(12, second), AT_CHECKPOINT, END),
    true,
  );
});

Deno.test("isAfterCheckpoint() keeps (does not take back) a record it cannot read", () => {
  const later = "2024-03-01T15:30:00+00:00";
  assert.equal(
    isAfterCheckpoint(bareRecord("12", later), AT_CHECKPOINT, END),
    false,
  );
  assert.equal(
    isAfterCheckpoint(bareRecord(12, 1709305800), AT_CHECKPOINT, END),
    false,
  );
  assert.equal(
    isAfterCheckpoint(bareRecord(12, "yesterday"), AT_CHECKPOINT, END),
    false,
  );
});
