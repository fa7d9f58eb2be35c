/**
 * What a failed AWS call means for the caller. Pure: it looks only at the
 * HTTP status and AWS error code of an {@linkcode AwsResponseError}, the
 * code of an {@linkcode AwsNetworkError}, or the name of anything else
 * thrown (a credential provider's `CredentialsProviderError`).
 *
 * @module
 */
import type { AwsResponseError } from "./aws_response_error.ts";
import type { AwsNetworkError } from "./aws_network_error.ts";
import { certificateProblem } from "../tls/describe_certificate_error.ts";
import { oneLine } from "../util/one_line.ts";

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
  /** The service's error code or the failure's name, e.g. `AccessDenied`. */
  readonly code: string;
  /** A one-line description safe for logs (AWS never puts secrets there). */
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

/** The fields read, all optional: anything may be thrown. */
interface ErrorLike {
  name?: unknown;
  code?: unknown;
  queryCode?: unknown;
  status?: unknown;
  message?: unknown;
}

/**
 * Classifies a failed AWS call.
 *
 * @example Usage
 * ```ts ignore
 * classifyAwsError(new AwsResponseError("Access Denied", { code: "AccessDenied", status: 403 })).kind; // "auth"
 * ```
 *
 * @param error What the call threw: an {@linkcode AwsResponseError}, an
 * {@linkcode AwsNetworkError}, or anything else.
 * @returns The kind, whether a retry may help, and a loggable code and message.
 */
export function classifyAwsError(
  error: AwsResponseError | AwsNetworkError | unknown,
): AwsErrorClass {
  const e =
    (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
  const name = typeof e.name === "string" ? e.name : "Error";
  const code = typeof e.code === "string" && e.code !== "" ? e.code : name;
  const queryCode = typeof e.queryCode === "string" ? e.queryCode : undefined;
  const status = typeof e.status === "number" ? e.status : undefined;
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
  if (
    THROTTLE_CODES.has(code) ||
    (queryCode !== undefined && THROTTLE_CODES.has(queryCode)) ||
    status === 429
  ) {
    return { kind: "throttled", retryable: true, ...base };
  }
  if (status === undefined && certificateProblem(error) !== undefined) {
    // An untrusted certificate stays untrusted: the fix is a setting.
    return { kind: "unreachable", retryable: false, ...base };
  }
  if (
    NETWORK_CODES.has(code) ||
    (status === undefined && isNetworkMessage(message))
  ) {
    return { kind: "unreachable", retryable: true, ...base };
  }
  if (status !== undefined && status >= 500) {
    return { kind: "server", retryable: true, ...base };
  }
  if (status === undefined) {
    // No answer and no known network code: most likely a socket failure
    // named differently. Resending is harmless.
    return { kind: "unreachable", retryable: true, ...base };
  }
  return { kind: "client", retryable: false, ...base };
}

function isNetworkMessage(message: string): boolean {
  return /\b(ECONN\w+|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|connection (refused|reset|closed|error))\b/i
    .test(message);
}
