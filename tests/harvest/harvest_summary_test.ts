import assert from "node:assert/strict";
import {
  createHarvestTally,
  reportHarvest,
} from "../../src/harvest/harvest_summary.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";

const WINDOW = {
  start: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  end: Temporal.Instant.from("2024-03-01T15:05:00Z"),
};

function options(outcome: string) {
  return {
    outcome,
    source: { variant: "dce", requests: 7 },
    opencast: { requests: 9 },
    tally: {
      ...createHarvestTally({
        timestamp: Temporal.Instant.from("2024-03-01T15:04:59Z"),
        ids: [7],
      }),
      pages: 4,
      probes: 2,
      delivered: 350,
      skipped: 5,
      failed: 0,
    },
    lookup: { stats: { fetched: 3, missing: 1, cacheHits: 12 } },
    seconds: 1.23456,
    dryRun: false,
    window: WINDOW,
  };
}

Deno.test("reportHarvest() logs one summary line and returns the summary with the window and the source's variant", async () => {
  const [summary, records] = await captureLogs(() =>
    reportHarvest(options("done"))
  );
  assert.equal(records.length, 1);
  assert.equal(records[0]!.level, "info");
  assert.equal(
    logLine(records[0]!),
    "Harvest done: 350 actions in 4 pages, 0 failed, source Opencast (dce), 2 id probes, 3 episodes fetched, " +
      "12 cache hits, 1.235s (284/s), checkpoint 2024-03-01T15:04:59Z",
  );
  assert.deepEqual(summary, {
    outcome: "done",
    api: "dce",
    actions: 350,
    pages: 4,
    probes: 2,
    skipped: 5,
    failed: 0,
    episodesFetched: 3,
    episodesMissing: 1,
    cacheHits: 12,
    opencastRequests: 9,
    actionRequests: 7,
    seconds: 1.235,
    actionsPerSecond: 284,
    checkpoint: "2024-03-01T15:04:59Z",
    dryRun: false,
    window: { start: "2024-03-01T15:00:00Z", end: "2024-03-01T15:05:00Z" },
    opencastVariant: "dce",
  });
  assert.ok(
    !("window" in records[0]!.properties),
    "the log line carries the counts only",
  );
});

Deno.test("reportHarvest() of a run that failed before any checkpoint says none, and never divides by zero", async () => {
  const [summary] = await captureLogs(() =>
    reportHarvest({
      ...options("failed"),
      tally: createHarvestTally(null),
      seconds: 0,
    })
  );
  assert.equal(summary.checkpoint, "none");
  assert.equal(summary.outcome, "failed");
  assert.equal(summary.actions, 0);
});

Deno.test("reportHarvest() writes counts of 1 in the singular", async () => {
  const one = options("done");
  const [, records] = await captureLogs(() =>
    reportHarvest({
      ...one,
      tally: { ...one.tally, pages: 1, probes: 1, delivered: 1 },
      lookup: { stats: { fetched: 1, missing: 0, cacheHits: 1 } },
    })
  );
  assert.match(
    logLine(records[0]!),
    /^Harvest done: 1 action in 1 page, 0 failed, source Opencast \(dce\), 1 id probe, 1 episode fetched, 1 cache hit, /,
  );
});

Deno.test("reportHarvest() names the source and leaves out the id probes of a run that made none", async () => {
  const one = options("done");
  const [, records] = await captureLogs(() => {
    reportHarvest({ ...one, tally: { ...one.tally, probes: 0 } });
    reportHarvest({
      ...one,
      source: {
        variant: "matomo",
        requests: 3,
        skippedByReason: { timeupdate: 40, "other-type": 2 },
      },
      tally: { ...one.tally, probes: 0 },
    });
  });
  assert.deepEqual(records.map(logLine), [
    "Harvest done: 350 actions in 4 pages, 0 failed, source Opencast (dce), 3 episodes fetched, " +
    "12 cache hits, 1.235s (284/s), checkpoint 2024-03-01T15:04:59Z",
    "Harvest done: 350 actions in 4 pages, 0 failed, source Matomo, 42 not viewer actions (timeupdate 40, other-type 2), " +
    "3 episodes fetched, 12 cache hits, 1.235s (284/s), checkpoint 2024-03-01T15:04:59Z",
  ]);
});
