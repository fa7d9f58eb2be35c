import assert from "node:assert/strict";
import { describeHarvestStart } from "../../src/harvest/describe_harvest_start.ts";
import type { HarvestWindow } from "../../src/harvest/resolve_window.ts";

const WINDOW: HarvestWindow = {
  start: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  end: Temporal.Instant.from("2024-03-01T15:05:00.250Z"),
  startSource: "checkpoint",
  skipIds: new Set(),
};

Deno.test("describeHarvestStart() names the window in the server zone and UTC, the output and the checkpoint", () => {
  const note = describeHarvestStart({
    window: WINDOW,
    windows: 3,
    settings: {
      zone: "America/New_York",
      output: { kind: "sqs", queue: "actions" } as never,
    },
    source: {
      description: "Opencast (dce) at engage.example.edu",
      variant: "dce",
    },
    checkpointStore: "s3://bucket/key",
    saves: true,
  });
  assert.equal(note.level, "info");
  assert.deepEqual(note.properties, {
    window:
      "2024-03-01 10:00:00 to 2024-03-01 10:05:00 America/New_York (2024-03-01T15:00:00Z to 2024-03-01T15:05:00Z)",
    start: "2024-03-01 10:00:00",
    end: "2024-03-01 10:05:00",
    zone: "America/New_York",
    startUtc: "2024-03-01T15:00:00Z",
    endUtc: "2024-03-01T15:05:00Z",
    startSource: "checkpoint",
    windows: 3,
    source: "Opencast (dce) at engage.example.edu",
    variant: "dce",
    output: "sqs:actions",
    checkpointStore: "s3://bucket/key",
    saving: "",
  });
  assert.match(
    note.message,
    /^Harvesting \{window\}, start from \{startSource\}, \{windows\} windows?, source \{source\}, output/,
  );
});

Deno.test("describeHarvestStart() says when the run leaves the checkpoint alone", () => {
  const note = describeHarvestStart({
    window: WINDOW,
    windows: 1,
    settings: { zone: "UTC", output: { kind: "stdout" } },
    source: { description: "Opencast (upstream) at oc", variant: "upstream" },
    checkpointStore: "/var/lib/ua-harvest/checkpoint.json",
    saves: false,
  });
  assert.equal(note.properties.saving, " (not moved by this run)");
  assert.equal(note.properties.output, "stdout");
  assert.equal(
    note.properties.window,
    "2024-03-01T15:00:00Z to 2024-03-01T15:05:00Z",
  );
});
