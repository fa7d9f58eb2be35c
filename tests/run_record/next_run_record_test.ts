import assert from "node:assert/strict";
import {
  nextRunRecord,
  type RunOutcome,
} from "../../src/run_record/next_run_record.ts";
import { parseRunRecord } from "../../src/run_record/parse_run_record.ts";

function run(
  exitCode: number,
  minute: number,
  more: Partial<RunOutcome> = {},
): RunOutcome {
  return {
    command: "harvest",
    toolVersion: "1.0.0",
    pid: 7,
    startedAt: new Date(Date.UTC(2024, 4, 1, 12, minute, 0)),
    endedAt: new Date(Date.UTC(2024, 4, 1, 12, minute, 5)),
    exitCode,
    counts: { actionsDelivered: 10, pagesFetched: 1 },
    ...more,
  };
}

Deno.test("nextRunRecord() carries the last success, the checkpoint and the totals across failures", () => {
  const first = nextRunRecord(
    null,
    run(0, 0, { checkpoint: "2024-05-01T11:59:00Z" }),
  );
  assert.equal(first.lastSuccessAt, "2024-05-01T12:00:05.000Z");
  assert.deepEqual(first.totals, {
    runs: 1,
    failedRuns: 0,
    actionsDelivered: 10,
    pagesFetched: 1,
  });
  const failed = nextRunRecord(
    first,
    run(8, 2, { counts: {}, error: "Another harvest is running" }),
  );
  assert.equal(failed.exitCode, 8);
  assert.equal(failed.error, "Another harvest is running");
  assert.equal(failed.lastSuccessAt, "2024-05-01T12:00:05.000Z");
  assert.equal(
    failed.checkpoint,
    "2024-05-01T11:59:00Z",
    "not known to this run: carried",
  );
  assert.deepEqual(failed.totals, {
    runs: 2,
    failedRuns: 1,
    actionsDelivered: 10,
    pagesFetched: 1,
  });
  assert.equal(failed.durationSeconds, 5);
  const next = nextRunRecord(failed, run(0, 4, { checkpoint: null }));
  assert.equal(next.lastSuccessAt, "2024-05-01T12:04:05.000Z");
  assert.equal(next.checkpoint, null);
  assert.equal(next.totals.actionsDelivered, 20);
});

Deno.test("nextRunRecord() does not mix commands, and parseRunRecord() reads what it wrote", () => {
  const harvest = nextRunRecord(null, run(0, 0));
  const episodes = nextRunRecord(harvest, {
    ...run(3, 1),
    command: "load_episodes",
    counts: {},
  });
  assert.equal(episodes.lastSuccessAt, undefined);
  assert.deepEqual(episodes.totals, { runs: 1, failedRuns: 1 });
  assert.deepEqual(parseRunRecord(JSON.stringify(episodes), "x"), episodes);
});

Deno.test("parseRunRecord() refuses what is not a record, naming where it came from", () => {
  for (
    const text of [
      "nope",
      "[]",
      '{"version":2}',
      JSON.stringify({ ...nextRunRecord(null, run(0, 0)), endedAt: "soon" }),
    ]
  ) {
    assert.throws(
      () => parseRunRecord(text, "/state/x.last-run.json"),
      /\/state\/x\.last-run\.json/,
    );
  }
});
