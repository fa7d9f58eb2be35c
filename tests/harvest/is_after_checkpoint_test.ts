import assert from "node:assert/strict";
import { isAfterCheckpoint } from "../../src/harvest/is_after_checkpoint.ts";
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";

const CHECKPOINT: Checkpoint = {
  timestamp: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  ids: [10, 11],
};
const END = Temporal.Instant.from("2024-03-01T16:00:00Z");

function record(action_id: unknown, timestamp: unknown): ActionRecord {
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
      isAfterCheckpoint(record(1, timestamp), CHECKPOINT, END),
      after,
      timestamp,
    );
  }
});

Deno.test("isAfterCheckpoint() in the checkpoint's second takes only ids it does not hold", () => {
  const second = "2024-03-01T15:00:00.500+00:00";
  assert.equal(isAfterCheckpoint(record(10, second), CHECKPOINT, END), false);
  assert.equal(isAfterCheckpoint(record(11, second), CHECKPOINT, END), false);
  assert.equal(isAfterCheckpoint(record(12, second), CHECKPOINT, END), true);
});

Deno.test("isAfterCheckpoint() keeps (does not take back) a record it cannot read", () => {
  const later = "2024-03-01T15:30:00+00:00";
  assert.equal(isAfterCheckpoint(record("12", later), CHECKPOINT, END), false);
  assert.equal(
    isAfterCheckpoint(record(12, 1709305800), CHECKPOINT, END),
    false,
  );
  assert.equal(
    isAfterCheckpoint(record(12, "yesterday"), CHECKPOINT, END),
    false,
  );
});
