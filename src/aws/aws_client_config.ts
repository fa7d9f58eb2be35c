/**
 * The settings SQS and S3 clients share, built one way so both services read
 * the region and endpoint the same. The CLI resolves `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SQS` and
 * `AWS_ENDPOINT_URL_S3` and passes the result in. Credentials come from the
 * SDK's default chain (environment, profile, SSO, instance role), unless the
 * CLI found static keys in the environment it was given (see
 * `awsSettingsFromEnv`): the same keys the chain would take first.
 *
 * @module
 */
import { DEFAULT_AWS_REGION } from "../config/defaults.ts";
import { getLogger } from "@logtape/logtape";
import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";
import { redactUrl } from "../util/redact_url.ts";
import { caBundle } from "../tls/read_ca_cert.ts";

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
   * Attempts the SDK makes per call before it gives up; `1` when the caller
   * runs its own retries.
   *
   * @default {3}
   */
  readonly maxAttempts?: number;
  /**
   * The deadline of one attempt, in milliseconds: a service that accepts the
   * connection and never answers fails the attempt after this long (the
   * SDK's own default only warns). The CLI sets it from `--s3-timeout` /
   * `--sqs-timeout`.
   *
   * @default {10000}
   */
  readonly requestTimeoutMs?: number;
  /**
   * Static keys; the SDK's default chain when left out.
   *
   * @default {undefined}
   */
  readonly credentials?: AwsCredentials;
  /**
   * A PEM bundle of CAs trusted in addition to the system's
   * (`UA_HARVEST_CA_CERT`), for an endpoint behind a private CA.
   *
   * @default {undefined}
   */
  readonly caCertPath?: string;
}

/** Static AWS keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A logger the SDK writes to instead of the console. */
export interface AwsSdkLogger {
  trace(...content: unknown[]): void;
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

/** The part of a client configuration shared by `SQSClient` and `S3Client`. */
export interface AwsClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly maxAttempts: number;
  readonly credentials?: AwsCredentials;
  readonly logger: AwsSdkLogger;
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    /** Without it the SDK only logs a warning when `requestTimeout` passes. */
    readonly throwOnRequestTimeout: true;
    /** The https agent's options: the system's CAs and the private ones. */
    readonly httpsAgent?: { readonly keepAlive: true; readonly ca: string[] };
  };
}

/** Connecting should be quick; a hung connect is a dead endpoint. */
const CONNECTION_TIMEOUT_MS = 10_000;
/** SQS and S3 calls here are small: ten seconds without an answer is a failure. */
export const DEFAULT_AWS_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Builds the shared SDK client configuration, checking every value first.
 *
 * @param service The service name, for error messages (`SQS`, `S3`).
 * @param options Region, endpoint and addressing.
 * @returns A configuration to spread into `new SQSClient({...})` or `new S3Client({...})`.
 * @throws {ConfigError} when the region or endpoint is malformed.
 */
export function awsClientConfig(
  service: string,
  options: AwsClientConfigOptions = {},
): AwsClientConfig {
  const {
    region = DEFAULT_AWS_REGION,
    endpoint,
    forcePathStyle = false,
    maxAttempts = 3,
    requestTimeoutMs = DEFAULT_AWS_REQUEST_TIMEOUT_MS,
    credentials,
    caCertPath,
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
  const ca = caBundle(caCertPath);
  return {
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(forcePathStyle ? { forcePathStyle } : {}),
    maxAttempts,
    ...(credentials === undefined ? {} : { credentials }),
    logger: sdkLogger(),
    requestHandler: {
      connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      ...(ca === undefined ? {} : { httpsAgent: { keepAlive: true, ca } }),
    },
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
  // SDK signs requests with the credential chain anyway.
  if (
    url.username !== "" || url.password !== "" || endpoint.includes("@")
  ) {
    throw new ConfigError(
      `Cannot use ${service} endpoint as it must not contain a user name or password: remove them from the URL and use the AWS credential settings`,
    );
  }
}

/**
 * Routes the SDK's own warnings to LogTape. Without a logger some SDK
 * middleware writes to the console; its per-call info records (which hold
 * message bodies) are dropped.
 */
function sdkLogger(): AwsSdkLogger {
  const logger = getLogger(["ua-harvest", "aws"]);
  function ignore(): void {}
  return {
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn(...content: unknown[]) {
      const { message, fields } = sdkLogRecord(content);
      logger.warn("AWS SDK: {message}", { ...fields, message });
    },
    error(...content: unknown[]) {
      // The SDK also throws what it logs as an error; the caller reports that.
      const { message, fields } = sdkLogRecord(content);
      logger.debug("AWS SDK: {message}", { ...fields, message });
    },
  };
}

/** Keys of the SDK's per-call record that are read below, or left out. */
const CALL_RECORD_KEYS = new Set([
  "clientName",
  "commandName",
  "error",
  "metadata",
  // The call's input and output hold message bodies and object contents.
  "input",
  "output",
]);
const METADATA_KEYS = ["httpStatusCode", "requestId", "attempts"] as const;

/**
 * Turns what the SDK logs (strings, errors, or its per-call record
 * `{clientName, commandName, input, error, metadata}`) into one readable
 * message and structured fields, instead of `[object Object]`. Bodies are
 * never included.
 */
function sdkLogRecord(
  content: readonly unknown[],
): { message: string; fields: Record<string, unknown> } {
  const parts: string[] = [];
  const fields: Record<string, unknown> = {};
  for (const item of content) {
    if (item instanceof Error) {
      parts.push(errorText(item));
      continue;
    }
    if (item === null || typeof item !== "object") {
      parts.push(String(item));
      continue;
    }
    const record = item as Record<string, unknown>;
    const words: string[] = [];
    for (const key of ["clientName", "commandName"] as const) {
      if (typeof record[key] === "string") {
        fields[key] = record[key];
        words.push(record[key]);
      }
    }
    if (record.error !== undefined) {
      fields.error = errorText(record.error);
      words.push(`failed: ${fields.error}`);
    }
    const metadata = record.metadata ??
      (record.error as { $metadata?: unknown } | undefined)?.$metadata;
    if (metadata !== null && typeof metadata === "object") {
      for (const key of METADATA_KEYS) {
        const value = (metadata as Record<string, unknown>)[key];
        if (value !== undefined) fields[key] = value;
      }
    }
    for (const [key, value] of Object.entries(record)) {
      if (CALL_RECORD_KEYS.has(key)) continue;
      if (["string", "number", "boolean"].includes(typeof value)) {
        fields[key] = value;
        words.push(`${key}=${value}`);
      }
    }
    if (fields.httpStatusCode !== undefined) {
      words.push(`(HTTP ${fields.httpStatusCode})`);
    }
    parts.push(words.join(" ") || "(no details)");
  }
  return { message: parts.join(" "), fields };
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
