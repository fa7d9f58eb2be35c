import { Counter, Gauge, Registry } from "prom-client";
import { RUN_COUNTS, type RunRecord } from "./run_record.ts";

/** Options for {@linkcode runMetricsRegistry}. */
export interface RunMetricsOptions {
  /**
   * Labels on every sample: the metrics file sets `command` (two commands
   * may write files for the same collector); a push leaves it to the
   * Pushgateway's grouping key.
   *
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Counter names and help, by the record's count and total names. */
const COUNTERS: Readonly<Record<string, readonly [string, string]>> = {
  runs: ["ua_harvest_runs_total", "Runs recorded."],
  failedRuns: [
    "ua_harvest_failed_runs_total",
    "Runs that ended with a non-zero exit code (failed or stopped).",
  ],
  actionsDelivered: [
    "ua_harvest_actions_delivered_total",
    "User actions delivered to the output.",
  ],
  pagesFetched: [
    "ua_harvest_pages_fetched_total",
    "Pages of user actions fetched from Opencast.",
  ],
  episodeRequests: [
    "ua_harvest_episode_requests_total",
    "Episodes requested from Opencast (episode cache misses).",
  ],
  episodeCacheHits: [
    "ua_harvest_episode_cache_hits_total",
    "Episode lookups answered by the episode cache.",
  ],
  recordsRejected: [
    "ua_harvest_records_rejected_total",
    "Records the output did not accept after retries.",
  ],
  episodesFound: [
    "ua_harvest_episodes_found_total",
    "Episodes load_episodes found in Opencast.",
  ],
  episodesIndexed: [
    "ua_harvest_episodes_indexed_total",
    "Episode documents Elasticsearch accepted.",
  ],
  workflowsFetched: [
    "ua_harvest_workflows_fetched_total",
    "Workflow lookups answered by the admin node.",
  ],
  documentsRejected: [
    "ua_harvest_documents_rejected_total",
    "Episode documents Elasticsearch did not accept.",
  ],
};

/**
 * The metrics of a run, from its last-run record, in a fresh prom-client
 * registry: counters are the record's totals over every run (so `rate()`
 * and `increase()` work across runs), gauges describe the last run. Times
 * are Unix seconds; the lag is measured when the run ended (alert on
 * `time() - ua_harvest_checkpoint_timestamp_seconds` to see it grow while no
 * run happens).
 */
export function runMetricsRegistry(
  record: RunRecord,
  options: RunMetricsOptions = {},
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ ...options.labels });
  const registers = [registry];
  const gauge = (name: string, help: string, value: number) =>
    new Gauge({ name, help, registers }).set(value);
  const seconds = (iso: string) => Date.parse(iso) / 1000;

  for (const name of ["runs", "failedRuns", ...RUN_COUNTS[record.command]]) {
    const [metric, help] = COUNTERS[name]!;
    new Counter({ name: metric, help, registers }).inc(
      record.totals[name] ?? 0,
    );
  }
  gauge(
    "ua_harvest_last_run_timestamp_seconds",
    "When the last run ended.",
    seconds(record.endedAt),
  );
  if (record.lastSuccessAt !== undefined) {
    gauge(
      "ua_harvest_last_success_timestamp_seconds",
      "When the last successful run (exit code 0) ended.",
      seconds(record.lastSuccessAt),
    );
  }
  gauge(
    "ua_harvest_last_run_duration_seconds",
    "How long the last run took.",
    record.durationSeconds,
  );
  gauge(
    "ua_harvest_last_run_exit_code",
    "The last run's exit code (0 success; see ua-harvest harvest --help).",
    record.exitCode,
  );
  if (typeof record.checkpoint === "string") {
    const checkpoint = seconds(record.checkpoint);
    gauge(
      "ua_harvest_checkpoint_timestamp_seconds",
      "The newest action time the checkpoint covers, after the last run.",
      checkpoint,
    );
    gauge(
      "ua_harvest_checkpoint_lag_seconds",
      "How far the checkpoint was behind the clock when the last run ended.",
      Math.round(Math.max(0, seconds(record.endedAt) - checkpoint) * 1000) /
        1000,
    );
  }
  new Gauge({
    name: "ua_harvest_build_info",
    help:
      "The tool's version and the source of the last run: dce, upstream or matomo (always 1).",
    labelNames: ["version", "opencast_variant"],
    registers,
  }).set({
    version: record.toolVersion,
    opencast_variant: record.opencastVariant ?? "",
  }, 1);
  return registry;
}
