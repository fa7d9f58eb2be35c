import assert from "node:assert/strict";
import { runMetricsRegistry } from "../../src/run_record/run_metrics_registry.ts";
import { nextRunRecord } from "../../src/run_record/next_run_record.ts";
import type { RunRecord } from "../../src/run_record/run_record.ts";
import { parsePrometheusText } from "../support/parse_prometheus_text.ts";

function harvestRecord(exitCode: number, previous: RunRecord | null = null) {
  return nextRunRecord(previous, {
    command: "harvest",
    toolVersion: "9.9.9",
    host: "h1",
    pid: 42,
    startedAt: new Date("2024-05-01T12:00:00Z"),
    endedAt: new Date("2024-05-01T12:00:04Z"),
    exitCode,
    checkpoint: "2024-05-01T11:59:30Z",
    opencastVariant: "dce",
    counts: {
      actionsDelivered: 1200,
      pagesFetched: 2,
      episodeRequests: 7,
      episodeCacheHits: 30,
      recordsRejected: exitCode === 7 ? 3 : 0,
    },
  });
}

function value(text: string, name: string): number | undefined {
  return parsePrometheusText(text).get(name)?.samples[0]?.value;
}

Deno.test("runMetricsRegistry() writes the text format, parsed back strictly, with Prometheus names", async () => {
  const record = harvestRecord(7, harvestRecord(0));
  const text = await runMetricsRegistry(record, {
    labels: { command: "harvest" },
  }).metrics();
  const families = parsePrometheusText(text);
  for (const family of families.values()) {
    assert.match(family.name, /^ua_harvest_/);
    assert.ok(family.help.length > 0, family.name);
    for (const sample of family.samples) {
      assert.equal(sample.labels.command, "harvest", family.name);
    }
  }
  // Counters are totals over both runs; gauges describe the last one.
  assert.equal(families.get("ua_harvest_runs_total")?.type, "counter");
  assert.equal(value(text, "ua_harvest_runs_total"), 2);
  assert.equal(value(text, "ua_harvest_failed_runs_total"), 1);
  assert.equal(value(text, "ua_harvest_actions_delivered_total"), 2400);
  assert.equal(value(text, "ua_harvest_pages_fetched_total"), 4);
  assert.equal(value(text, "ua_harvest_episode_requests_total"), 14);
  assert.equal(value(text, "ua_harvest_episode_cache_hits_total"), 60);
  assert.equal(value(text, "ua_harvest_records_rejected_total"), 3);
  assert.equal(value(text, "ua_harvest_last_run_exit_code"), 7);
  assert.equal(value(text, "ua_harvest_last_run_duration_seconds"), 4);
  assert.equal(
    value(text, "ua_harvest_last_run_timestamp_seconds"),
    Date.parse("2024-05-01T12:00:04Z") / 1000,
  );
  // The failed run keeps the earlier run's success.
  assert.equal(
    value(text, "ua_harvest_last_success_timestamp_seconds"),
    Date.parse("2024-05-01T12:00:04Z") / 1000,
  );
  assert.equal(value(text, "ua_harvest_checkpoint_lag_seconds"), 34);
  assert.equal(
    value(text, "ua_harvest_checkpoint_timestamp_seconds"),
    Date.parse("2024-05-01T11:59:30Z") / 1000,
  );
  assert.deepEqual(
    families.get("ua_harvest_build_info")?.samples[0]?.labels,
    { command: "harvest", version: "9.9.9", opencast_variant: "dce" },
  );
  assert.equal(families.has("ua_harvest_episodes_indexed_total"), false);
});

Deno.test("runMetricsRegistry() leaves the last success out when none is on record", async () => {
  const text = await runMetricsRegistry(harvestRecord(4)).metrics();
  const families = parsePrometheusText(text);
  assert.equal(
    families.has("ua_harvest_last_success_timestamp_seconds"),
    false,
  );
  assert.equal(value(text, "ua_harvest_failed_runs_total"), 1);
});

Deno.test("runMetricsRegistry() gives load_episodes its own counters", async () => {
  const record = nextRunRecord(null, {
    command: "load_episodes",
    toolVersion: "1",
    pid: 1,
    startedAt: new Date(0),
    endedAt: new Date(1000),
    exitCode: 0,
    counts: {
      episodesFound: 5,
      episodesIndexed: 4,
      workflowsFetched: 5,
      documentsRejected: 1,
    },
  });
  const text = await runMetricsRegistry(record).metrics();
  assert.equal(value(text, "ua_harvest_episodes_indexed_total"), 4);
  assert.equal(value(text, "ua_harvest_workflows_fetched_total"), 5);
  assert.equal(value(text, "ua_harvest_documents_rejected_total"), 1);
  assert.equal(value(text, "ua_harvest_episodes_found_total"), 5);
  assert.equal(
    parsePrometheusText(text).has("ua_harvest_actions_delivered_total"),
    false,
  );
});
