import assert from "node:assert/strict";
import { createDryRunSink } from "../../src/sinks/dry_run_sink.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";

const PAGE = [1, 2, 3, 4].map((id) => ({ action_id: id }) as ActionRecord);
const STORED: Checkpoint = {
  timestamp: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  ids: [1],
};
const REACHED: Checkpoint = {
  timestamp: Temporal.Instant.from("2024-03-01T15:05:00Z"),
  ids: [4],
};

Deno.test("createDryRunSink() reports what it would have sent and where the checkpoint would move", async () => {
  const sink = createDryRunSink("sqs:actions");
  await sink.deliver(PAGE);
  await sink.deliver(PAGE);
  const [, records] = await captureLogs(() =>
    sink.report!({ stored: STORED, checkpoint: REACHED })
  );
  assert.deepEqual(records.map(logLine), [
    "Dry run: would have sent 8 records to sqs:actions and moved the checkpoint " +
    "to 2024-03-01T15:05:00Z; nothing was sent or saved",
  ]);
  assert.deepEqual(records[0]!.properties.sample, PAGE.slice(0, 3));
});

Deno.test("createDryRunSink() for a run that does not move the checkpoint says where it stays", async () => {
  const sink = createDryRunSink("stdout", { moves: false });
  const [, records] = await captureLogs(() =>
    sink.report!({ stored: STORED, checkpoint: REACHED })
  );
  assert.deepEqual(records.map(logLine), [
    "Dry run: would have sent 0 records to stdout and left the checkpoint " +
    "at 2024-03-01T15:00:00Z (this run does not move it); nothing was sent or saved",
  ]);
  const [, none] = await captureLogs(() =>
    sink.report!({ stored: null, checkpoint: null })
  );
  assert.match(logLine(none[0]!), /left the checkpoint at none \(/);
});
