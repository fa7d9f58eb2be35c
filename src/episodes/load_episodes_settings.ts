/**
 * The `load_episodes` command's settings, parsed and validated from flags,
 * the environment and `.env` before any I/O happens (by
 * `resolveLoadEpisodesSettings()` in `src/cli/`).
 *
 * @module
 */
import type {
  AwsSettings,
  CheckpointSettings,
  ElasticsearchSettings,
  OpencastSettings,
} from "../config/settings.ts";

/** The validated settings of one `load_episodes` run. */
export interface LoadEpisodesSettings {
  readonly elasticsearch: ElasticsearchSettings;
  readonly engage: OpencastSettings;
  readonly admin: OpencastSettings;
  /** `--opencast-api`: detect the search variant, or take it as given. */
  readonly opencastApi: "auto" | "dce" | "upstream";
  /** The episode index (`--es_index`), a valid index name. */
  readonly index: string;
  /**
   * Which episodes: those created in the last `createdFromDaysAgo` days, or
   * (when either is given) the `mpids` and those seen in the action indexes
   * of `sourceIndexPattern`.
   */
  readonly createdFromDaysAgo: number;
  /** `--mpid`, trimmed, without empty ones. */
  readonly mpids: readonly string[];
  /** `--source-index-pattern`. @default {none} */
  readonly sourceIndexPattern?: string;
  /** The workflow definition holding the live capture (`--workflow-definition`). */
  readonly workflowDefinition: string;
  /** Seconds between two pages of Opencast requests (`--wait`). */
  readonly waitSeconds: number;
  /** Workflow lookups (and id fetches) in flight (`--workflow-concurrency`). */
  readonly workflowConcurrency: number;
  /** `--metrics-push`. @default {none} */
  readonly metricsPush?: string;
  /**
   * Where the last-run record goes (beside the harvest's checkpoint), or why
   * there is none: settings that leave it no place cost the record, not the
   * run.
   */
  readonly runRecord:
    | {
      readonly location: CheckpointSettings;
      readonly aws: AwsSettings;
    }
    | { readonly unavailable: string };
  /**
   * The Prometheus text file to rewrite at the end: `--metrics-file`, else
   * `UA_HARVEST_LOAD_EPISODES_METRICS_FILE`, else (a `.env` written when both
   * commands shared `UA_HARVEST_METRICS_FILE`) beside harvest's file, with
   * `.load_episodes` before its extension, never on it.
   * @default {none}
   */
  readonly metricsFile?: string;
  /** Lines to log at the start of the run (where the metrics file went). */
  readonly notes: readonly string[];
}
