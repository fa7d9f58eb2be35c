/**
 * `status` with a Matomo checkpoint: its mark stands the overlap behind what
 * the harvest read (`reached`), so the lag is measured from `reached`, and
 * the last run names its source.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  parseCheckpoint,
  serializeCheckpoint,
} from "../../src/checkpoint/checkpoint_format.ts";
import { ApiContractError } from "../../src/errors.ts";
import { formatStatus } from "../../src/status/format_status.ts";
import { readStatus } from "../../src/status/read_status.ts";
import { withTempDir } from "../support/temp_dir.ts";

const AWS = { region: "us-east-1", s3ForcePathStyle: false };

Deno.test("a checkpoint keeps how far the harvest read, and refuses a bad one", () => {
  const checkpoint = {
    timestamp: Temporal.Instant.from("2024-11-04T11:32:00Z"),
    ids: [],
    source: "matomo",
    position: { pageIds: [[1, 9]] },
    reached: Temporal.Instant.from("2024-11-04T12:02:00Z"),
  };
  const text = serializeCheckpoint(checkpoint, "UTC");
  assert.match(text, /"reached":"2024-11-04T12:02:00Z"/);
  assert.deepEqual(parseCheckpoint(text, "UTC"), checkpoint);
  assert.equal(
    parseCheckpoint(
      serializeCheckpoint({ ...checkpoint, reached: undefined }, "UTC"),
      "UTC",
    ).reached,
    undefined,
  );
  assert.throws(
    () =>
      parseCheckpoint(
        '{"version":1,"timestamp":"2024-11-04T11:32:00Z","reached":5}',
        "UTC",
      ),
    ApiContractError,
  );
});

Deno.test("status measures a Matomo checkpoint's lag from how far the harvest read, and says where the next run starts", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "checkpoint.json");
    await Deno.writeTextFile(
      path,
      serializeCheckpoint({
        timestamp: Temporal.Instant.from("2024-11-04T11:32:00Z"),
        ids: [],
        source: "matomo",
        position: { pageIds: [] },
        reached: Temporal.Instant.from("2024-11-04T12:02:00Z"),
      }, "UTC"),
    );
    const report = await readStatus({
      state: {
        checkpoint: { kind: "file", path },
        lockFile: `${path}.lock`,
      },
      aws: AWS,
      zone: "UTC",
      now: () => new Date("2024-11-04T12:03:00Z"),
    });
    assert.equal(report.checkpoint.lagSeconds, 60);
    assert.equal(report.checkpoint.source, "matomo");
    const text = formatStatus(report);
    assert.match(
      text,
      /^Checkpoint {3}.*checkpoint\.json \(file, source matomo\)$/m,
    );
    assert.match(
      text,
      /read to 2024-11-04T12:02:00Z, 60s behind now; the next run reads again from 2024-11-04T11:32:00Z/,
    );
  });
});
