/**
 * The settings SQS and S3 clients share, built one way so both services read
 * the region and endpoint the same. The CLI resolves `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SQS` and
 * `AWS_ENDPOINT_URL_S3` and passes the result in. Requests are signed with
 * the keys given, else those the credential chain finds (see
 * `createCredentialChain()`), and sent with `fetch`.
 *
 * @module
 */
import { DEFAULT_AWS_REGION } from "../config/defaults.ts";
import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";
import { redactUrl } from "../util/redact_url.ts";
import { caHttpClient, fetchThrough } from "../tls/ca_http_client.ts";
import type {
  AwsCredentialProvider,
  AwsCredentials,
} from "./aws_credentials.ts";
import { awsCredentialProvider } from "./aws_credential_provider.ts";
import type { AwsFetch } from "./send_aws_request.ts";

export type { AwsCredentials } from "./aws_credentials.ts";

const REGION_REGEXP = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Options for {@linkcode awsClientConfig}. */
export interface AwsClientConfigOptions {
  /**
   * The AWS region.
   *
   * @default {@linkcode DEFAULT_AWS_REGION}
   */
  readonly region?: string;
  /**
   * An endpoint that replaces the service's AWS endpoint (LocalStack, MinIO,
   * a VPC endpoint), e.g. `http://localhost:4566`.
   *
   * @default {undefined}
   */
  readonly endpoint?: string;
  /**
   * Addresses S3 buckets as `endpoint/bucket` instead of `bucket.endpoint`
   * (needed by most S3-compatible servers). Ignored by other services.
   *
   * @default {false}
   */
  readonly forcePathStyle?: boolean;
  /**
   * Attempts the client makes per call before it gives up (the SQS client
   * makes one: the sink runs its own).
   *
   * @default {3}
   */
  readonly maxAttempts?: number;
  /**
   * The deadline of one attempt, in milliseconds: a service that accepts the
   * connection and never answers fails the attempt after this long. The CLI
   * sets it from `--s3-timeout` / `--sqs-timeout`.
   *
   * @default {10000}
   */
  readonly requestTimeoutMs?: number;
  /**
   * A PEM bundle of CAs trusted in addition to the system's
   * (`UA_HARVEST_CA_CERT`), for an endpoint behind a private CA.
   *
   * @default {undefined}
   */
  readonly caCertPath?: string;
  /**
   * Keys to sign with; the credential chain (`createCredentialChain()`:
   * environment, shared files, web identity, container, instance role) when
   * left out.
   *
   * @default {undefined}
   */
  readonly credentials?: AwsCredentials;
}

/** What the S3 and SQS clients are created with, checked and complete. */
export interface AwsClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly maxAttempts: number;
  /** The deadline of one attempt, answer and body included. */
  readonly requestTimeoutMs: number;
  readonly credentials: AwsCredentialProvider;
  /** `fetch` through the private CAs' client when `caCertPath` is set. */
  readonly fetch: AwsFetch;
}

/** SQS and S3 calls here are small: ten seconds without an answer is a failure. */
export const DEFAULT_AWS_REQUEST_TIMEOUT_MS = 10_000;

/** The values {@linkcode checkAwsClientOptions} found valid, defaults filled in. */
export interface CheckedAwsClientOptions {
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
}

/**
 * Checks the shared client settings without building anything (no
 * credential chain, no CA file read): for a caller given a client, which
 * still owes the user the same errors for the same settings.
 *
 * @param service The service name, for error messages (`SQS`, `S3`).
 * @param options Region, endpoint, addressing and deadlines.
 * @returns The checked values, defaults filled in.
 * @throws {ConfigError} when the region, endpoint or deadline is malformed.
 * @throws {RangeError} when `maxAttempts` is not a positive integer.
 */
export function checkAwsClientOptions(
  service: string,
  options: AwsClientConfigOptions = {},
): CheckedAwsClientOptions {
  const {
    region = DEFAULT_AWS_REGION,
    endpoint,
    forcePathStyle = false,
    maxAttempts = 3,
    requestTimeoutMs = DEFAULT_AWS_REQUEST_TIMEOUT_MS,
  } = options;
  if (!REGION_REGEXP.test(region)) {
    throw new ConfigError(
      `Cannot use AWS region for ${service} as it must be lowercase letters, digits and dashes (like 'us-east-1'): current value is '${
        echoValue(region)
      }'`,
    );
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(
      `Cannot configure ${service} client as 'maxAttempts' must be a positive integer: current value is ${maxAttempts}`,
    );
  }
  if (!(Number.isFinite(requestTimeoutMs) && requestTimeoutMs > 0)) {
    throw new ConfigError(
      `Cannot use a ${service} timeout of ${requestTimeoutMs} ms: it must be more than 0`,
    );
  }
  if (endpoint !== undefined) checkEndpoint(service, endpoint);
  return {
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle,
    maxAttempts,
    requestTimeoutMs,
  };
}

/**
 * Builds the shared client configuration, checking every value first (see
 * {@linkcode checkAwsClientOptions}): call it only to create a client, as it
 * sets up the credential chain and reads the CA file.
 *
 * @param service The service name, for error messages (`SQS`, `S3`).
 * @param options Region, endpoint, addressing, deadlines and credentials.
 * @returns A configuration for `createS3Client()` or `createSqsClient()`.
 * @throws {ConfigError} when the region or endpoint is malformed.
 */
export function awsClientConfig(
  service: string,
  options: AwsClientConfigOptions = {},
): AwsClientConfig {
  const { caCertPath, credentials } = options;
  return {
    ...checkAwsClientOptions(service, options),
    credentials: awsCredentialProvider(credentials, { caCertPath }),
    fetch: fetchThrough(caHttpClient(caCertPath)),
  };
}

function checkEndpoint(service: string, endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(
      `Cannot use ${service} endpoint as it must be an http or https URL like 'http://localhost:4566': current value is '${
        echoValue(redactUrl(endpoint))
      }'`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(
      `Cannot use ${service} endpoint as it must be an http or https URL like 'http://localhost:4566': current value is '${
        echoValue(redactUrl(endpoint))
      }'`,
    );
  }
  // A URL with user info would leak it into logs and error messages, and the
  // client signs requests with the AWS credentials anyway.
  if (
    url.username !== "" || url.password !== "" || endpoint.includes("@")
  ) {
    throw new ConfigError(
      `Cannot use ${service} endpoint as it must not contain a user name or password: remove them from the URL and use the AWS credential settings`,
    );
  }
}
