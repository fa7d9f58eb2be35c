/**
 * The one place requests to AWS leave the process: `fetch` (through the
 * private-CA client when there is one), one deadline for the answer and its
 * body, no redirects followed (a signed request is only valid for its host;
 * S3's region redirects are the S3 client's decision).
 *
 * @module
 */
import type { AwsHttpRequest, AwsHttpResponse } from "./aws_http_request.ts";
import { AwsNetworkError } from "./aws_network_error.ts";
import { AwsResponseError } from "./aws_response_error.ts";
import { describeFetchError } from "../http/describe_fetch_error.ts";
import { concatBytes } from "../util/concat_bytes.ts";

/** The `fetch` the tool sends through (`fetchThrough(caHttpClient(…))`). */
export type AwsFetch = (
  input: URL | RequestInfo,
  init?: RequestInit,
) => Promise<Response>;

/** Options for {@linkcode sendAwsRequest}. */
export interface SendAwsRequestOptions {
  /**
   * The deadline of the attempt, answer and body included, in milliseconds.
   */
  readonly timeoutMs: number;
  /**
   * Sends the request; tests and the private-CA setting pass their own.
   *
   * @default {globalThis.fetch}
   */
  readonly fetch?: AwsFetch;
  /**
   * Ends the attempt: the call then rejects with the signal's reason.
   *
   * @default {undefined}
   */
  readonly signal?: AbortSignal;
  /**
   * The largest answer read: what the tool asks for is kilobytes, and a
   * larger one (a wrong S3 key naming a data file) is not read whole.
   *
   * @default {@linkcode MAX_AWS_BODY_BYTES}
   */
  readonly maxBodyBytes?: number;
}

/** 16 MiB: a checkpoint holds the ids of one second, an SQS answer ten entries. */
export const MAX_AWS_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Sends one signed request and reads the whole answer, whatever its status.
 *
 * @returns The status, headers and body text.
 * @throws {AwsNetworkError} when no answer arrived within the deadline
 * (`TimeoutError`) or the connection failed.
 * @throws The signal's reason when `signal` aborted.
 */
export async function sendAwsRequest(
  request: AwsHttpRequest,
  options: SendAwsRequestOptions,
): Promise<AwsHttpResponse> {
  const {
    timeoutMs,
    fetch = globalThis.fetch,
    signal,
    maxBodyBytes = MAX_AWS_BODY_BYTES,
  } = options;
  signal?.throwIfAborted();
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: "manual",
      signal: signal ? AbortSignal.any([deadline, signal]) : deadline,
    });
    const body = request.method === "HEAD"
      ? ""
      : await readText(response, maxBodyBytes);
    if (request.method === "HEAD") await response.body?.cancel();
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    signal?.throwIfAborted();
    if (error instanceof AwsResponseError) throw error;
    if (deadline.aborted) {
      throw new AwsNetworkError(
        `no answer within ${timeoutMs} ms`,
        "TimeoutError",
        { cause: error },
      );
    }
    throw new AwsNetworkError(describeFetchError(error), networkCode(error), {
      cause: error,
    });
  }
}

/**
 * The body as text, refused (`ResponseTooLarge`, with the answer's status)
 * once it passes `maxBytes`: by its `Content-Length`, else while it streams.
 */
async function readText(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => {
    void response.body?.cancel().catch(() => {});
    return new AwsResponseError(
      `larger than ${describeBytes(maxBytes)}`,
      { code: "ResponseTooLarge", status: response.status },
    );
  };
  const length = Number(response.headers.get("content-length") ?? NaN);
  if (length > maxBytes) throw tooLarge();
  if (response.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return new TextDecoder().decode(concatBytes(chunks));
}

/** `16 MiB`, `16 KiB`, or bytes. */
function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

const CODES: readonly [RegExp, string][] = [
  [/^connection refused/, "ECONNREFUSED"],
  [/^DNS lookup failed/, "ENOTFOUND"],
  [/^TLS failed/, "TlsError"],
  [/^connection reset/, "ECONNRESET"],
  [/^connection timed out/, "ETIMEDOUT"],
  [/^host unreachable/, "EHOSTUNREACH"],
];

/** Names a failed `fetch` the way Node names socket errors. */
function networkCode(error: unknown): string {
  const description = describeFetchError(error);
  return CODES.find(([pattern]) => pattern.test(description))?.[1] ??
    "NetworkError";
}
