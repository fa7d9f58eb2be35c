import assert from "node:assert/strict";
import { formatStatus } from "../../src/status/format_status.ts";
import type { RunRecord } from "../../src/run_record/run_record.ts";

const RUN: RunRecord = {
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
    lastEpisodesRun: RUN,
  });
  assert.match(text, /^Last load_episodes FAILED, exit 4: started /m);
  assert.match(text, /^Last harvest none recorded$/m);
});
