/**
 * The checkpoint in an S3 object (`S3_HARVEST_TS_BUCKET` /
 * `S3_LAST_ACTION_TS_KEY`), where the original kept it. A `PutObject`
 * replaces an object whole, so a reader never sees half a checkpoint.
 *
 * Every write is fenced: a conditional `PutObject` (`If-Match` on the ETag
 * this store read, or last wrote; `If-None-Match: *` when there was no
 * object), so two runs that both believe they hold the lock can never both
 * move one checkpoint. The run whose write S3 refuses (412) stops at once,
 * unless the object turns out to hold exactly the text it wrote (a client
 * retry of a write that had gone through). A 409 `ConditionalRequestConflict`
 * (a conditional write still in progress, often the client's retry colliding
 * with our own pending write) decides nothing: the write is made again after
 * a short delay. Requests go through the small fetch-based `S3Client` of
 * `src/aws/` (the AWS SDK is not loaded).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  ApiContractError,
  ConfigError,
  LockedError,
  StateError,
} from "../errors.ts";
import {
  awsClientConfig,
  checkAwsClientOptions,
} from "../aws/aws_client_config.ts";
import type { AwsCredentials } from "../aws/aws_credentials.ts";
import {
  createS3Client,
  type S3Client,
  type S3PutInput,
} from "../aws/s3_client.ts";
import { DEFAULT_AWS_REGION } from "../config/defaults.ts";
import { classifyAwsError } from "../aws/classify_aws_error.ts";
import { awsFailure, describeAwsLocation } from "../aws/aws_failure.ts";
import type { CheckpointStore } from "./checkpoint_store.ts";
import { retry, type RetryOptions } from "../util/retry.ts";
import { classifyS3WriteError } from "./classify_s3_write_error.ts";
import { checkS3Location } from "./check_s3_location.ts";

/**
 * The `If-Match` of the write probe: an ETag no object has (S3 ETags are
 * hex digests), so S3 refuses the write after checking that it is allowed.
 */
export const S3_WRITE_PROBE_ETAG = '"ua-harvest-write-probe"';

/** Options for {@linkcode createS3CheckpointStore}. */
export interface S3CheckpointStoreOptions {
  /** The bucket (`S3_HARVEST_TS_BUCKET`). */
  readonly bucket: string;
  /** The object key (`S3_LAST_ACTION_TS_KEY`). */
  readonly key: string;
  /**
   * The AWS region (new buckets are created there).
   *
   * @default {@linkcode DEFAULT_AWS_REGION}
   */
  readonly region?: string;
  /**
   * An S3 endpoint replacing AWS's (`AWS_ENDPOINT_URL_S3`, else
   * `AWS_ENDPOINT_URL`).
   *
   * @default {undefined}
   */
  readonly endpoint?: string;
  /**
   * Addresses the bucket as `endpoint/bucket` (`S3_FORCE_PATH_STYLE`; needed
   * by MinIO and most S3-compatible servers).
   *
   * @default {false}
   */
  readonly forcePathStyle?: boolean;
  /**
   * A client to use instead of creating one (`createS3Client()`). `region`
   * and `endpoint` then only appear in messages.
   *
   * @default {undefined}
   */
  readonly client?: S3Client;
  /**
   * Keys to sign with; the credential chain (environment, shared files, web
   * identity, container, instance role) when left out.
   *
   * @default {undefined}
   */
  readonly credentials?: AwsCredentials | undefined;
  /**
   * Creates the bucket when it does not exist (as the original did); a dry
   * run passes `false` so that it changes nothing, and then a missing bucket
   * reads as "no checkpoint yet".
   *
   * @default {true}
   */
  readonly createBucket?: boolean;
  /**
   * Resolves once a missing bucket may be created: a harvest opens the store
   * while it takes its lock, and creates nothing before it holds it. A
   * rejection stops the opening with its reason.
   *
   * @default {at once}
   */
  readonly createWhen?: Promise<unknown>;
  /**
   * Aborts the opening's requests (the bucket check and creation): the run
   * that started it ended first. The opening then rejects with the signal's
   * reason.
   *
   * @default {undefined}
   */
  readonly signal?: AbortSignal;
  /**
   * The deadline of one attempt of an S3 call (`--s3-timeout`); the client
   * makes 3 attempts.
   *
   * @default {10000}
   */
  readonly requestTimeoutMs?: number;
  /**
   * A PEM bundle of CAs trusted in addition to the system's
   * (`UA_HARVEST_CA_CERT`).
   *
   * @default {undefined}
   */
  readonly caCertPath?: string | undefined;
  /**
   * How a write is retried when S3 answers 409 `ConditionalRequestConflict`
   * (another conditional write to the key, often the client's retry of our own,
   * still in progress). What is given replaces those defaults one by one;
   * tests pass a fake `sleep`.
   *
   * @default {{ maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 2000 }}
   */
  readonly conflictRetry?: RetryOptions & {
    readonly sleep?: (ms: number) => Promise<void>;
  };
}

/**
 * Retries after a 409 conflict: S3 settles a conditional write within a
 * second or so, so a few short waits (up to 0.2, 0.4, 0.8, 1.6 s) suffice.
 */
const DEFAULT_CONFLICT_RETRY: RetryOptions = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 2000,
};

/**
 * Creates the S3 checkpoint store, first making sure the bucket exists
 * (creating it when missing and allowed).
 *
 * Logs (category `["ua-harvest", "checkpoint"]`): info when it creates the
 * bucket, or finds it missing without creating it; debug for reads and
 * writes.
 *
 * @example
 * ```ts ignore
 * await using store = await createS3CheckpointStore({ bucket: "harvest-ts", key: "last-action-ts" });
 * const text = await store.load(); // null before the first save
 * await store.save("20170301190509");
 * ```
 *
 * @param options Bucket, key, region, endpoint and addressing.
 * @returns The store.
 * @throws {ConfigError} when an option is invalid, or S3 refuses the bucket
 * (a name owned by another account, or deleted while the store is open).
 * @throws {AuthenticationError} when AWS refuses the credentials.
 * @throws {UnreachableError} when S3 cannot be reached.
 */
export async function createS3CheckpointStore(
  options: S3CheckpointStoreOptions,
): Promise<CheckpointStore> {
  const {
    bucket,
    key,
    region = DEFAULT_AWS_REGION,
    endpoint,
    forcePathStyle = false,
    createBucket = true,
  } = options;
  checkS3Location(bucket, key);
  const clientOptions = {
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle,
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  // An injected client gets the same checks; only a client made here needs
  // the credential chain and the CA file.
  checkAwsClientOptions("S3", clientOptions);
  // A bucket in another region answers 301: the client follows it.
  const client = options.client ??
    createS3Client(awsClientConfig("S3", clientOptions));
  const store = new S3CheckpointStore(client, {
    bucket,
    key,
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
  }, {
    createBucket,
    conflictRetry: { ...DEFAULT_CONFLICT_RETRY, ...options.conflictRetry },
  });
  if (createBucket) {
    try {
      await store.ensureBucket(options);
    } catch (error) {
      await store[Symbol.asyncDispose]();
      throw error;
    }
  }
  return store;
}

interface S3Location {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly endpoint?: string;
}

class S3CheckpointStore implements CheckpointStore {
  readonly description: string;
  #client: S3Client;
  #location: S3Location;
  #createBucket: boolean;
  #conflictRetry: NonNullable<S3CheckpointStoreOptions["conflictRetry"]>;
  /**
   * The fence: the ETag of the object as this store last saw it (read or
   * written); `null` when there was no object; `undefined` before `load()`.
   */
  #etag: string | null | undefined;
  /** The text `load()` found, which the write probe sends back. */
  #loaded: string | null = null;
  #logger = getLogger(["ua-harvest", "checkpoint"]);

  constructor(
    client: S3Client,
    location: S3Location,
    options: {
      readonly createBucket: boolean;
      readonly conflictRetry: NonNullable<
        S3CheckpointStoreOptions["conflictRetry"]
      >;
    },
  ) {
    this.#client = client;
    this.#location = location;
    this.#createBucket = options.createBucket;
    this.#conflictRetry = options.conflictRetry;
    this.description = `s3://${location.bucket}/${location.key}`;
  }

  /** Creates the bucket when `HeadBucket` says it is missing. */
  async ensureBucket(
    { createWhen, signal }: Pick<
      S3CheckpointStoreOptions,
      "createWhen" | "signal"
    > = {},
  ): Promise<void> {
    const { bucket, region } = this.#location;
    try {
      await this.#client.headBucket(bucket, signal ? { signal } : {});
      return;
    } catch (error) {
      // Aborted: the run that asked ended, so the reason is its, not S3's.
      signal?.throwIfAborted();
      const failure = classifyAwsError(error);
      if (failure.kind === "auth") {
        // Allowed to read and write the object but not to list the bucket is
        // a common, sufficient policy: let load() and save() find out.
        this.#logger.debug(
          "Cannot check S3 bucket {bucket} ({code}); assuming it exists",
          { bucket, code: failure.code },
        );
        return;
      }
      if (failure.status !== 404) {
        throw this.#failure(error, `checking bucket '${bucket}'`);
      }
    }
    await createWhen;
    signal?.throwIfAborted();
    try {
      await this.#client.createBucket(bucket, {
        // us-east-1 is the one region that refuses an explicit constraint.
        ...(region === "us-east-1" ? {} : { locationConstraint: region }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      signal?.throwIfAborted();
      const failure = classifyAwsError(error);
      // Another run created it between the check and here.
      if (failure.code === "BucketAlreadyOwnedByYou") return;
      if (failure.code === "BucketAlreadyExists") {
        throw new ConfigError(
          `S3 bucket '${bucket}' belongs to another AWS account: choose another bucket name (S3_HARVEST_TS_BUCKET)`,
          { cause: error },
        );
      }
      throw this.#failure(error, `creating bucket '${bucket}'`);
    }
    this.#logger.info("Created S3 bucket {bucket} for the checkpoint", {
      bucket,
      region,
    });
  }

  async load(): Promise<string | null> {
    const { bucket, key } = this.#location;
    try {
      const { body: text, etag } = await this.#client.getObject(bucket, key);
      this.#etag = etag;
      this.#loaded = text;
      this.#logger.debug("Read checkpoint {checkpoint}", {
        checkpoint: this.description,
      });
      return text;
    } catch (error) {
      const failure = classifyAwsError(error);
      if (failure.code === "NoSuchKey") {
        this.#logger.debug("No checkpoint at {checkpoint} yet", {
          checkpoint: this.description,
        });
        this.#etag = null;
        return null;
      }
      if (failure.code === "ResponseTooLarge") {
        // Another object than a checkpoint (a data file): not read whole.
        throw new ApiContractError(
          `The checkpoint ${this.description} is ${failure.message}, which no checkpoint is: check S3_LAST_ACTION_TS_KEY (or --s3-key)`,
          { cause: error },
        );
      }
      if (failure.code === "NoSuchBucket") {
        if (!this.#createBucket) {
          // A dry run before the first real run: the bucket is not made yet,
          // so there is no checkpoint yet either. Report as usual.
          this.#logger.info(
            "S3 bucket {bucket} does not exist yet, so there is no checkpoint; a run without --dry-run creates it",
            { bucket },
          );
          return null;
        }
        // The bucket was there at start-up and has since been deleted.
        throw new ConfigError(
          `S3 bucket '${bucket}' does not exist (${
            describeAwsLocation(this.#location)
          }): create it, or run again and the tool creates it`,
          { cause: error },
        );
      }
      throw this.#failure(error, `reading ${this.description}`);
    }
  }

  async save(text: string): Promise<void> {
    const { bucket, key } = this.#location;
    const fence = this.#etag;
    const input: S3PutInput = {
      body: text,
      contentType: "text/plain; charset=utf-8",
      // Before any load() there is nothing to fence on (not a harvest).
      ...(fence === undefined
        ? {}
        : fence === null
        ? { ifNoneMatch: "*" }
        : { ifMatch: fence }),
    };
    let etag: string | undefined;
    try {
      etag = await retry(async () => {
        try {
          return {
            ok: true,
            value: (await this.#client.putObject(bucket, key, input)).etag,
          };
        } catch (error) {
          const retryable = classifyS3WriteError(error) === "conflict";
          return { ok: false, retryable, error };
        }
      }, {
        ...this.#conflictRetry,
        onRetry: ({ attempt, delayMs }) =>
          this.#logger.debug(
            "S3 reported a conflicting write to {checkpoint} in progress (attempt {attempt}); writing again in {delayMs} ms",
            { checkpoint: this.description, attempt, delayMs },
          ),
      });
    } catch (error) {
      if (classifyS3WriteError(error) === "other") {
        throw this.#failure(error, `writing ${this.description}`);
      }
      // Refused (412), or still in conflict after every attempt: done only
      // if the object holds this very text (an earlier attempt of ours went
      // through and its answer was lost); otherwise another run moved it.
      etag = await this.#ownWrite(text);
      if (etag === undefined) throw this.#fenced(error);
    }
    // An S3 that names no ETag: read it back, or the next write is unfenced.
    this.#etag = etag ?? await this.#currentEtag();
    this.#logger.debug("Saved checkpoint {checkpoint}", {
      checkpoint: this.description,
    });
  }

  /**
   * Proves the credentials may write the checkpoint's key without changing
   * it, in one request that can run beside the rest of the start-up: a
   * `PutObject` of the text just read, on the condition that the object
   * carries an ETag no object has. S3 checks that the write is allowed
   * before it checks the condition, so a 412 (or 404) means allowed and a 403
   * means not. An S3-compatible store that ignores the condition writes back
   * the same text. Before the first checkpoint exists there is nothing that
   * could be written back harmlessly, so nothing is proven then (the first
   * save is the proof). S3 has no disk to fill: `bytes` is not needed.
   */
  async checkWritable(): Promise<void> {
    const { bucket, key } = this.#location;
    if (!this.#etag || this.#loaded === null) return;
    try {
      const output = await this.#client.putObject(bucket, key, {
        body: this.#loaded,
        contentType: "text/plain; charset=utf-8",
        ifMatch: S3_WRITE_PROBE_ETAG,
      });
      this.#etag = output.etag ?? this.#etag;
      this.#logger.debug(
        "S3 took the write probe of {checkpoint} without checking If-Match: it does not support conditional writes",
        { checkpoint: this.description },
      );
    } catch (error) {
      const failure = classifyAwsError(error);
      if (
        failure.status === 412 || failure.status === 404 ||
        failure.code === "PreconditionFailed" || failure.code === "NoSuchKey"
      ) {
        return;
      }
      if (failure.kind === "auth") {
        throw new StateError(
          `Cannot write the checkpoint ${this.description}: S3 refused the write (${failure.code}: ${failure.message}); nothing was sent (allow s3:PutObject on it for these AWS credentials)`,
          { cause: error },
        );
      }
      throw this.#failure(
        error,
        `checking that ${this.description} can be written`,
      );
    }
  }

  /**
   * After a refused conditional write: the ETag of the object when it holds
   * exactly `text` (a client retry of our own write that had already
   * succeeded), else `undefined` (another run moved it). Writers make each
   * text their own (the checkpoint names its run and write), so two runs
   * that reach the same position never pass for each other.
   */
  async #ownWrite(text: string): Promise<string | undefined> {
    const { bucket, key } = this.#location;
    try {
      const output = await this.#client.getObject(bucket, key);
      return output.body === text ? output.etag : undefined;
    } catch {
      return undefined;
    }
  }

  async #currentEtag(): Promise<string | null | undefined> {
    const { bucket, key } = this.#location;
    try {
      return (await this.#client.headObject(bucket, key)).etag;
    } catch (error) {
      throw this.#failure(error, `reading back ${this.description}`);
    }
  }

  #fenced(cause: unknown): LockedError {
    return new LockedError(
      `Another run moved the checkpoint ${this.description} since this run read it (S3 refused the conditional write): stopped without sending or saving more, the other run carries on; two runs held the lock at once (a Redis restart, or runs that do not share one REDIS_URL)`,
      { cause },
    );
  }

  #failure(error: unknown, action: string) {
    return awsFailure(classifyAwsError(error), {
      service: "S3",
      action,
      region: this.#location.region,
      ...(this.#location.endpoint === undefined
        ? {}
        : { endpoint: this.#location.endpoint }),
    }, error);
  }

  [Symbol.asyncDispose](): Promise<void> {
    // Nothing to close: the client holds no connection (fetch pools them).
    return Promise.resolve();
  }
}
