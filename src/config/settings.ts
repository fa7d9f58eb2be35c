/**
 * Settings groups several commands and layers share (Opencast, AWS,
 * Elasticsearch, service deadlines, where the state lives): the types only;
 * each command resolves them once from flags and the environment (`cli/`).
 *
 * @module
 */
import type { AwsCredentials } from "../aws/aws_credentials.ts";

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

/** Where the S3 and SQS clients point. */
export interface AwsSettings {
  readonly region: string;
  readonly sqsEndpoint?: string;
  readonly s3Endpoint?: string;
  readonly s3ForcePathStyle: boolean;
  /**
   * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`)
   * of the run's environment, when both are set and `AWS_PROFILE` is not;
   * else the credential chain (`createCredentialChain()`).
   */
  readonly credentials?: AwsCredentials;
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

/** Where the checkpoint lives. */
export type CheckpointSettings =
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string }
  | { readonly kind: "file"; readonly path: string };

/** Where a deployment keeps its state: checkpoint, run lock, Redis. */
export interface StateSettings {
  readonly checkpoint: CheckpointSettings;
  /** The file run lock (beside the state file, or in the state dir for S3). */
  readonly lockFile: string;
  /** Redis (episode cache, lock for an S3 checkpoint), if configured. */
  readonly redisUrl?: string;
}
