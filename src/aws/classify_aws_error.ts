/**
 * What an error thrown by an AWS SDK call means for the caller. Pure: it
 * looks only at the error's name, code and HTTP status.
 *
 * @module
 */

/** What went wrong, as far as the caller's next step goes. */
export type AwsErrorKind =
  /** The credentials are missing, wrong, expired or not allowed. */
  | "auth"
  /** No answer: connection refused, reset, timed out, DNS failure. */
  | "unreachable"
  /** The service asked to slow down. */
  | "throttled"
  /** The service failed (5xx). */
  | "server"
  /** The service refused the request itself (4xx); resending will not help. */
  | "client";

/** The classification of one AWS error. */
export interface AwsErrorClass {
  readonly kind: AwsErrorKind;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;
  /** The service's error code or the SDK's error name, e.g. `AccessDenied`. */
  readonly code: string;
  /** A one-line description safe for logs (the SDK never puts secrets there). */
  readonly message: string;
  /** The HTTP status, when a response arrived. */
  readonly status?: number;
}

const AUTH_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthFailure",
  "AuthorizationError",
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "IncompleteSignature",
  "InvalidAccessKeyId",
  "InvalidClientTokenId",
  "InvalidSecurity",
  "InvalidSignatureException",
  "InvalidToken",
  "KmsAccessDenied",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "NotAuthorized",
  "RequestExpired",
  "SignatureDoesNotMatch",
  "TokenRefreshRequired",
  "UnrecognizedClientException",
]);

const THROTTLE_CODES = new Set([
  "KmsThrottled",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
]);

const NETWORK_CODES = new Set([
  "EAI_AGAIN",
  "ECONNABORTED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTDOWN",
  "EHOSTUNREACH",
  "ENETDOWN",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "ETIMEDOUT",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

/** The SDK's error shape, all optional: anything may be thrown. */
interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

/**
 * Classifies an error thrown by an AWS SDK v3 call.
 *
 * @param error Whatever the SDK threw.
 * @returns The kind, whether a retry may help, and a loggable code and message.
 */
export function classifyAwsError(error: unknown): AwsErrorClass {
  const e =
    (typeof error === "object" && error !== null ? error : {}) as SdkErrorLike;
  const name = typeof e.name === "string" ? e.name : "Error";
  const nodeCode = typeof e.code === "string" ? e.code : undefined;
  const queryCode = typeof e.Code === "string" ? e.Code : undefined;
  const status = typeof e.$metadata?.httpStatusCode === "number"
    ? e.$metadata.httpStatusCode
    : undefined;
  const code = nodeCode ?? (name === "Error" && queryCode ? queryCode : name);
  const message = oneLine(
    typeof e.message === "string" && e.message !== ""
      ? e.message
      : String(error),
  );
  const base = { code, message, ...(status === undefined ? {} : { status }) };

  if (
    AUTH_CODES.has(code) || AUTH_CODES.has(name) ||
    (queryCode !== undefined && AUTH_CODES.has(queryCode)) ||
    status === 401 || status === 403
  ) {
    return { kind: "auth", retryable: false, ...base };
  }
  if (THROTTLE_CODES.has(code) || THROTTLE_CODES.has(name) || status === 429) {
    return { kind: "throttled", retryable: true, ...base };
  }
  if (
    NETWORK_CODES.has(code) || NETWORK_CODES.has(name) ||
    (status === undefined && isNetworkMessage(message))
  ) {
    return { kind: "unreachable", retryable: true, ...base };
  }
  if (
    (status !== undefined && status >= 500) || e.$fault === "server" ||
    e.$retryable !== undefined && e.$retryable !== null &&
      e.$retryable !== false
  ) {
    return { kind: "server", retryable: true, ...base };
  }
  if (status === undefined) {
    // No response and no known network code: most likely a socket failure
    // the runtime named differently. Resending is harmless.
    return { kind: "unreachable", retryable: true, ...base };
  }
  return { kind: "client", retryable: false, ...base };
}

function isNetworkMessage(message: string): boolean {
  return /\b(ECONN\w+|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|connection (refused|reset|closed|error))\b/i
    .test(message);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
