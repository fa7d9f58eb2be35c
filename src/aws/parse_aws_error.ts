/**
 * Turns an AWS error answer into an {@linkcode AwsResponseError}. Pure: it
 * reads the status, a few headers and the body.
 *
 * @module
 */
import type { AwsHttpResponse } from "./aws_http_request.ts";
import { AwsResponseError } from "./aws_response_error.ts";
import { xmlText } from "./_xml_text.ts";
import { oneLine } from "../util/one_line.ts";

/** How a service writes its errors. */
export type AwsErrorProtocol =
  /** S3 (`<Error><Code>`), and STS's query protocol (`<ErrorResponse><Error><Code>`). */
  | "xml"
  /** SQS's AWS JSON 1.0: `{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": …}`. */
  | "json";

/** What an answer without a body (HEAD, some proxies) is named after. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  301: "PermanentRedirect",
  307: "TemporaryRedirect",
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  412: "PreconditionFailed",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};

/**
 * The error an AWS answer carries.
 *
 * @example Usage
 * ```ts
 * const error = parseAwsError({
 *   status: 404,
 *   headers: new Headers(),
 *   body: "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
 * }, "xml");
 * error.code; // "NoSuchKey"
 * ```
 *
 * @param response The answer, its body read.
 * @param protocol How the service writes errors.
 * @returns The error, named by the service's code, else by the status.
 */
export function parseAwsError(
  response: AwsHttpResponse,
  protocol: AwsErrorProtocol,
): AwsResponseError {
  const { status, headers, body } = response;
  const requestId = headers.get("x-amz-request-id") ??
    headers.get("x-amzn-requestid") ?? undefined;
  const bucketRegion = headers.get("x-amz-bucket-region") ?? undefined;
  const parsed = protocol === "json"
    ? jsonError(body, headers)
    : { code: xmlText(body, "Code"), message: xmlText(body, "Message") };
  const code = parsed.code || STATUS_CODES[status] || `Http${status}`;
  const message = oneLine(
    withoutSignedRequest(
      parsed.message || (body.trim().startsWith("<") ? "" : body),
    ) || `HTTP ${status}`,
  ).slice(0, 500);
  return new AwsResponseError(message, {
    code,
    status,
    ...("queryCode" in parsed && parsed.queryCode
      ? { queryCode: parsed.queryCode }
      : {}),
    ...(requestId === undefined ? {} : { requestId }),
    ...(bucketRegion === undefined ? {} : { bucketRegion }),
  });
}

function jsonError(
  body: string,
  headers: Headers,
): { code?: string; message?: string; queryCode?: string } {
  let parsed: Record<string, unknown> = {};
  try {
    const value = JSON.parse(body);
    if (value !== null && typeof value === "object") parsed = value;
  } catch {
    // Not JSON (a proxy's page): named by the status.
  }
  const type = stringOf(parsed.__type) ?? stringOf(parsed.code) ??
    headers.get("x-amzn-errortype") ?? undefined;
  // `com.amazonaws.sqs#QueueDoesNotExist`, `UnrecognizedClientException:http://…`
  const code = type?.split("#").at(-1)?.split(":")[0];
  const queryCode = headers.get("x-amzn-query-error")?.split(";")[0];
  const message = stringOf(parsed.message) ?? stringOf(parsed.Message);
  return {
    ...(code ? { code } : {}),
    ...(message === undefined ? {} : { message }),
    ...(queryCode ? { queryCode } : {}),
  };
}

/**
 * A message without what AWS quotes of the signed request: its JSON and
 * query services answer `SignatureDoesNotMatch` with the canonical request,
 * whose `x-amz-security-token` header is the session token in full.
 */
function withoutSignedRequest(message: string): string {
  return message
    .replace(
      /\s*The (Canonical String for this request|String-to-Sign should have been)[\s\S]*$/i,
      "",
    )
    .replace(/(x-amz-security-token\s*[:=]\s*)[^\s&'",;]+/gi, "$1***");
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
