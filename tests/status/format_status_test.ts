import assert from "node:assert/strict";
import { formatStatus } from "../../src/status/format_status.ts";
import type { StatusReport } from "../../src/status/status_report.ts";
import type { RunRecord } from "../../src/run_record/run_record.ts";

const RUN: RunRecord = {
  version: 1,
  command: "harvest",
  toolVersion: "0.1.0",
  host: "cron-host",
  pid: 4242,
  startedAt: "2026-12-05T20:19:21.062Z",
  endedAt: "2026-12-05T20:19:22.114Z",
  durationSeconds: 1.052,
  exitCode: 0,
  // A harvest records its window end as the run's clock read it.
  window: {
    start: "2026-12-05T20:19:16Z",
    end: "2026-12-05T20:19:21.096237061Z",
  },
  checkpoint: "2026-12-05T20:19:20Z",
  counts: {
    actionsDelivered: 20,
    pagesFetched: 1,
    episodeRequests: 0,
    episodeCacheHits: 1,
  },
  lastSuccessAt: "2026-12-05T20:19:22.114Z",
  totals: {},
};

function report(
  run: RunRecord,
  idsInNewestSecond = 1,
): StatusReport {
  return {
    now: "2026-12-05T20:19:24Z",
    checkpoint: {
      location: "/tmp/checkpoint.json",
      kind: "file",
      state: "ok",
      timestamp: "2026-12-05T20:19:20Z",
      idsInNewestSecond,
      lagSeconds: 4,
    },
    locks: [{ kind: "file", name: "/tmp/checkpoint.json.lock", state: "free" }],
    lastRun: run,
    lastEpisodesRun: null,
  };
}

Deno.test("formatStatus() prints the run's times and window to the second", () => {
  const text = formatStatus(report(RUN));
  assert.match(
    text,
    /started 2026-12-05T20:19:21Z, ended 2026-12-05T20:19:22Z \(2s ago\)/,
  );
  assert.match(text, /window 2026-12-05T20:19:16Z to 2026-12-05T20:19:21Z\n/);
  assert.match(text, /last success: 2026-12-05T20:19:22Z \(2s ago\)/);
  assert.doesNotMatch(text, /\.\d+Z/);
});

Deno.test("formatStatus() writes a count of 1 in the singular", () => {
  const text = formatStatus(report(RUN, 1));
  assert.match(text, /\(1 id\), 4s behind now/);
  assert.match(
    text,
    /20 actions delivered, 1 page fetched, 0 episode requests, 1 episode cache hit\n/,
  );
  assert.match(formatStatus(report(RUN, 2)), /\(2 ids\)/);
});

const EPISODES_RUN: RunRecord = {
  command: "load_episodes",
  toolVersion: "0.1.0",
  host: "node-1",
  pid: 4242,
  startedAt: "2024-05-01T03:15:00Z",
  endedAt: "2024-05-01T03:16:00Z",
  durationSeconds: 60,
  exitCode: 4,
  error: "Elasticsearch down",
  counts: {},
  runs: 1,
  failedRuns: 1,
} as unknown as RunRecord;

Deno.test("formatStatus() keeps a space after a title as long as its column", () => {
  const text = formatStatus({
    now: "2024-05-01T04:00:00Z",
    checkpoint: { location: "/state/cp.json", kind: "file", state: "missing" },
    locks: [],
    lastRun: null,
    lastEpisodesRun: EPISODES_RUN,
  });
  assert.match(text, /^Last load_episodes FAILED, exit 4: started /m);
  assert.match(text, /^Last harvest none recorded$/m);
});

Deno.test("formatStatus() names the last run's source as the harvest summary does", () => {
  const source = (opencastVariant?: string) =>
    formatStatus(
      report({ ...RUN, ...(opencastVariant && { opencastVariant }) }),
    )
      .split("\n").at(-1);
  assert.equal(
    source("dce"),
    "             ua-harvest 0.1.0 on cron-host, PID 4242, source Opencast (dce)",
  );
  assert.match(source("upstream")!, /, source Opencast \(upstream\)$/);
  assert.match(source("matomo")!, /, source Matomo$/);
  // A record written before runs named their source.
  assert.match(source()!, /, PID 4242$/);
});

Deno.test("formatStatus() names the checkpoint's source when it has one, and only then", () => {
  const bare = report(RUN);
  assert.match(
    formatStatus(bare),
    /^Checkpoint {3}\/tmp\/checkpoint\.json \(file\)$/m,
  );
  const named = {
    ...bare,
    checkpoint: { ...bare.checkpoint, source: "opencast" },
  };
  assert.match(
    formatStatus(named),
    /^Checkpoint {3}\/tmp\/checkpoint\.json \(file, source opencast\)$/m,
  );
});
