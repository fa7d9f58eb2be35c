/**
 * A small S3 client over `fetch` for exactly what the checkpoint store
 * sends: HeadBucket, CreateBucket, GetObject, HeadObject and a conditional
 * PutObject, signed with SigV4, each attempt under its own deadline, retried
 * like the SDK's standard strategy (3 attempts), following a bucket's region
 * when S3 names another one (301, 307, 400 with `x-amz-bucket-region`).
 *
 * @module
 */
import type { AwsCredentialProvider } from "./aws_credentials.ts";
import type { AwsHttpResponse } from "./aws_http_request.ts";
import { buildS3Request, type S3Operation } from "./s3_request.ts";
import { signAwsRequest } from "./sign_aws_request.ts";
import { type AwsFetch, sendAwsRequest } from "./send_aws_request.ts";
import { parseAwsError } from "./parse_aws_error.ts";
import {
  AWS_MAX_BACKOFF_MS,
  awsAttemptFailure,
} from "./aws_attempt_failure.ts";
import { xmlText } from "./_xml_text.ts";
import { retry } from "../util/retry.ts";

/** Options for {@linkcode createS3Client}. */
export interface S3ClientOptions {
  /** The region requests are signed for (and new buckets made in). */
  readonly region: string;
  readonly credentials: AwsCredentialProvider;
  /** An endpoint replacing AWS's. @default {undefined} */
  readonly endpoint?: string;
  /** Addresses buckets as `endpoint/bucket`. @default {false} */
  readonly forcePathStyle?: boolean;
  /** The deadline of one attempt, in milliseconds. @default {10000} */
  readonly requestTimeoutMs?: number;
  /** Attempts per call, the first included. @default {3} */
  readonly maxAttempts?: number;
  /** Sends requests (the private-CA client's `fetch`). @default {globalThis.fetch} */
  readonly fetch?: AwsFetch;
  /** Waits between attempts; tests pass a fake. @default {an abortable setTimeout} */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source; tests pass a fixed one. @default {Math.random} */
  readonly random?: () => number;
  /**
   * The largest object read (`ResponseTooLarge` beyond it, not retried).
   * @default {16 MiB}
   */
  readonly maxBodyBytes?: number;
}

/** Options of one call. */
export interface S3CallOptions {
  /** Ends the call; it then rejects with the signal's reason. @default {undefined} */
  readonly signal?: AbortSignal;
}

/** An object read from S3. */
export interface S3Object {
  readonly body: string;
  readonly etag?: string;
}

/** What a conditional write sends. */
export interface S3PutInput {
  readonly body: string;
  readonly contentType: string;
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
}

/**
 * The S3 calls of the checkpoint store. Each rejects with an
 * `AwsResponseError` (S3 answered an error), an `AwsNetworkError` (no
 * answer, after its attempts), or the provider's error (no credentials).
 */
export interface S3Client {
  readonly region: string;
  readonly endpoint?: string;
  headBucket(bucket: string, options?: S3CallOptions): Promise<void>;
  createBucket(
    bucket: string,
    options?: S3CallOptions & { readonly locationConstraint?: string },
  ): Promise<void>;
  getObject(
    bucket: string,
    key: string,
    options?: S3CallOptions,
  ): Promise<S3Object>;
  headObject(
    bucket: string,
    key: string,
    options?: S3CallOptions,
  ): Promise<{ readonly etag?: string }>;
  putObject(
    bucket: string,
    key: string,
    input: S3PutInput,
    options?: S3CallOptions,
  ): Promise<{ readonly etag?: string }>;
}

/** The SDK's first retry waits up to 200 ms (100 ms × 2), doubling after. */
const INITIAL_BACKOFF_MS = 200;

/**
 * Creates the client; nothing is sent until a call.
 *
 * @example Usage
 * ```ts ignore
 * const s3 = createS3Client({ region: "eu-west-1", credentials: defaultCredentialProvider() });
 * const { body, etag } = await s3.getObject("harvest-ts", "last-action-ts");
 * ```
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  return new FetchS3Client(options);
}

class FetchS3Client implements S3Client {
  readonly region: string;
  readonly endpoint?: string;
  #options: S3ClientOptions;
  /** Buckets S3 said live in another region than the client's. */
  #bucketRegions = new Map<string, string>();

  constructor(options: S3ClientOptions) {
    this.#options = options;
    this.region = options.region;
    if (options.endpoint !== undefined) this.endpoint = options.endpoint;
  }

  async headBucket(bucket: string, options: S3CallOptions = {}) {
    await this.#call({ name: "HeadBucket" }, bucket, options.signal);
  }

  async createBucket(
    bucket: string,
    options: S3CallOptions & { readonly locationConstraint?: string } = {},
  ) {
    const { locationConstraint } = options;
    await this.#call(
      {
        name: "CreateBucket",
        ...(locationConstraint === undefined ? {} : { locationConstraint }),
      },
      bucket,
      options.signal,
    );
  }

  async getObject(bucket: string, key: string, options: S3CallOptions = {}) {
    const response = await this.#call(
      { name: "GetObject", key },
      bucket,
      options.signal,
    );
    return { body: response.body, ...etagOf(response) };
  }

  async headObject(bucket: string, key: string, options: S3CallOptions = {}) {
    const response = await this.#call(
      { name: "HeadObject", key },
      bucket,
      options.signal,
    );
    return etagOf(response);
  }

  async putObject(
    bucket: string,
    key: string,
    input: S3PutInput,
    options: S3CallOptions = {},
  ) {
    const response = await this.#call(
      { name: "PutObject", key, ...input },
      bucket,
      options.signal,
    );
    return etagOf(response);
  }

  #call(
    operation: S3Operation,
    bucket: string,
    signal: AbortSignal | undefined,
  ): Promise<AwsHttpResponse> {
    const { maxAttempts = 3, sleep, random } = this.#options;
    return retry<AwsHttpResponse>(async (attempt) => {
      try {
        return {
          ok: true,
          value: await this.#attempt(operation, bucket, signal),
        };
      } catch (error) {
        // Aborted: the run that asked ended, so the reason is its, not S3's.
        signal?.throwIfAborted();
        return awsAttemptFailure(error, attempt, random);
      }
    }, {
      maxAttempts,
      initialBackoffMs: INITIAL_BACKOFF_MS,
      maxBackoffMs: AWS_MAX_BACKOFF_MS,
      ...(signal === undefined ? {} : { signal }),
      ...(sleep === undefined ? {} : { sleep }),
      ...(random === undefined ? {} : { random }),
    });
  }

  /** One attempt, following one region redirect. */
  async #attempt(
    operation: S3Operation,
    bucket: string,
    signal: AbortSignal | undefined,
  ): Promise<AwsHttpResponse> {
    const {
      endpoint,
      forcePathStyle = false,
      credentials,
      requestTimeoutMs = 10_000,
      fetch,
      maxBodyBytes,
    } = this.#options;
    let region = this.#bucketRegions.get(bucket) ?? this.region;
    for (let redirected = false;; redirected = true) {
      const request = buildS3Request(operation, {
        bucket,
        region,
        forcePathStyle,
        ...(endpoint === undefined ? {} : { endpoint }),
      });
      const signed = await signAwsRequest(request, {
        credentials: await credentials(signal),
        service: "s3",
        region,
      });
      const response = await sendAwsRequest(signed, {
        timeoutMs: requestTimeoutMs,
        ...(fetch === undefined ? {} : { fetch }),
        ...(signal === undefined ? {} : { signal }),
        ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
      });
      if (response.status >= 200 && response.status < 300) return response;
      const error = parseAwsError(response, "xml");
      const bucketRegion = error.bucketRegion ??
        xmlText(response.body, "Region");
      if (
        !redirected && bucketRegion !== undefined && bucketRegion !== region &&
        [301, 307, 400].includes(response.status)
      ) {
        // The SDK's followRegionRedirects: sign for the bucket's region.
        this.#bucketRegions.set(bucket, bucketRegion);
        region = bucketRegion;
        continue;
      }
      throw error;
    }
  }
}

function etagOf(response: AwsHttpResponse): { etag?: string } {
  const etag = response.headers.get("etag");
  return etag === null ? {} : { etag };
}
