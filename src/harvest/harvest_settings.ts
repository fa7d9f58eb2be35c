/**
 * The harvest command's settings, parsed and validated from flags, the
 * environment and `.env` before any I/O happens.
 *
 * @module
 */
import type { WindowFlag } from "./resolve_window.ts";
import type { MatomoSourceSettings } from "../source/matomo/open_matomo_source.ts";
import type {
  AwsSettings,
  CheckpointSettings,
  ElasticsearchSettings,
  OpencastSettings,
  ServiceDeadlines,
} from "../config/settings.ts";

/** Where records go. */
export type OutputSettings =
  | { readonly kind: "stdout" }
  | { readonly kind: "file"; readonly path: string }
  | {
    readonly kind: "sqs";
    readonly queue: string;
    readonly maxPayloadBytes: number;
    readonly fifoGroupBy: "mpid" | "session_id" | "huid" | "none";
  }
  | {
    readonly kind: "es";
    readonly elasticsearch: ElasticsearchSettings;
    readonly indexPrefix: string;
  };

/** Which episode cache to use. */
export type CacheSettings =
  | {
    readonly kind: "redis";
    readonly url: string;
    /** CAs trusted in addition to the system's for `rediss://` (`UA_HARVEST_CA_CERT`). */
    readonly caCertPath?: string;
  }
  | { readonly kind: "sqlite"; readonly path: string };

/** Every setting of one harvest run. */
export interface HarvestSettings {
  /** Where viewer actions come from (`--source`, `HARVEST_SOURCE`). */
  readonly source: "opencast" | "matomo";
  /**
   * The engage node: the Opencast source, and the episode metadata of every
   * record. Required for Opencast; without it Matomo's records carry
   * `"episode": {}`.
   */
  readonly engage?: OpencastSettings;
  /** Matomo's settings, when `source` is `matomo`. */
  readonly matomo?: MatomoSourceSettings;
  /** `--start`, resolved once. */
  readonly start?: WindowFlag;
  /** `--end`, resolved once. */
  readonly end?: WindowFlag;
  readonly waitSeconds: number;
  readonly batchSize: number;
  /** Pages fetched and enriched ahead of the one being delivered (`--pages-in-flight`). */
  readonly pagesInFlight: number;
  readonly intervalMinutes: number;
  readonly zone: string;
  readonly maxSpanSeconds?: number;
  readonly spanCheck: boolean;
  readonly catchUp: boolean;
  readonly output: OutputSettings;
  readonly checkpoint: CheckpointSettings;
  readonly cache: CacheSettings;
  /** `auto`: move the checkpoint only on runs that started from it. */
  readonly updateCheckpoint: "auto" | "always" | "never";
  readonly dryRun: boolean;
  readonly episodeConcurrency: number;
  readonly episodeTtlSeconds: number;
  readonly missingEpisodeTtlSeconds: number;
  readonly aws: AwsSettings;
  readonly lockTtlSeconds: number;
  readonly deadlines: ServiceDeadlines;
  /** The file lock used when Redis is not configured (beside the state file). */
  readonly lockFile: string;
  readonly progress: boolean;
  /**
   * Which usertracking API the engage node speaks: `auto` detects it at the
   * start of the run (one request).
   */
  readonly opencastApi: "auto" | "dce" | "upstream";
}
