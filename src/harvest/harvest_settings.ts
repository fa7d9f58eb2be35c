/**
 * The harvest command's settings, parsed and validated from flags, the
 * environment and `.env` before any I/O happens.
 *
 * @module
 */

/** How to reach and authenticate with an Opencast node. */
export interface OpencastSettings {
  readonly host: string;
  readonly user?: string;
  readonly password?: string;
  readonly auth: "digest" | "basic";
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** CAs trusted in addition to the system's (`UA_HARVEST_CA_CERT`). */
  readonly caCertPath?: string;
}

/** Where the AWS SDK clients point. */
export interface AwsSettings {
  readonly region: string;
  readonly sqsEndpoint?: string;
  readonly s3Endpoint?: string;
  readonly s3ForcePathStyle: boolean;
  /** CAs trusted in addition to the system's (`UA_HARVEST_CA_CERT`). */
  readonly caCertPath?: string;
}

/** How to reach Elasticsearch. */
export interface ElasticsearchSettings {
  readonly host: string;
  readonly username?: string;
  readonly password?: string;
  readonly apiKey?: string;
  readonly caCertPath?: string;
  /** CAs trusted in addition to the system's when there is no `caCertPath` (`UA_HARVEST_CA_CERT`). */
  readonly sharedCaCertPath?: string;
  /** Deadline of one request (`--es-timeout`). @default 30000 */
  readonly requestTimeoutMs?: number;
}

/**
 * How long one attempt of a call to each service may take (`--s3-timeout`,
 * `--sqs-timeout`, `--redis-timeout`); Opencast's and Elasticsearch's live
 * with their other settings.
 */
export interface ServiceDeadlines {
  /** One S3 attempt. */
  readonly s3Ms: number;
  /** One SQS attempt. */
  readonly sqsMs: number;
  /** Connecting to Redis, one Redis command, one lock renewal. */
  readonly redisMs: number;
}

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

/** Where the checkpoint lives. */
export type CheckpointSettings =
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string }
  | { readonly kind: "file"; readonly path: string };

/** Which episode cache to use. */
export type CacheSettings =
  | { readonly kind: "redis"; readonly url: string }
  | { readonly kind: "sqlite"; readonly path: string };

/** Every setting of one harvest run. */
export interface HarvestSettings {
  readonly engage: OpencastSettings;
  readonly start?: string;
  readonly end?: string;
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
