/**
 * Signs a request with AWS Signature Version 4, through `aws4fetch`'s signer
 * (WebCrypto, no Node compatibility layer). S3 requests carry
 * `x-amz-content-sha256` with the body's SHA-256, so the body is signed too.
 *
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import type { AwsCredentials } from "./aws_credentials.ts";
import type { AwsHttpRequest } from "./aws_http_request.ts";

/** Options for {@linkcode signAwsRequest}. */
export interface SignAwsRequestOptions {
  readonly credentials: AwsCredentials;
  /** The signing name of the service: `s3`, `sqs`, `sts`. */
  readonly service: string;
  readonly region: string;
  /**
   * The signing time as `YYYYMMDDTHHMMSSZ`; tests pin it.
   *
   * @default {now}
   */
  readonly datetime?: string;
}

/** The signing keys of one secret, day, region and service, reused. */
const SIGNING_KEYS = new Map<string, ArrayBuffer>();

/**
 * Returns `request` with `authorization`, `x-amz-date` (and
 * `x-amz-security-token`, `x-amz-content-sha256` where they belong) added.
 *
 * @example Usage
 * ```ts ignore
 * const signed = await signAwsRequest(request, { credentials, service: "sqs", region: "eu-west-1" });
 * ```
 */
export async function signAwsRequest(
  request: AwsHttpRequest,
  options: SignAwsRequestOptions,
): Promise<AwsHttpRequest> {
  const signer = await awsV4Signer(request, options);
  const signed = await signer.sign();
  const headers: Record<string, string> = {};
  signed.headers.forEach((value, name) => headers[name] = value);
  return { ...request, headers };
}

/**
 * The canonical request SigV4 signs for `request` (what AWS's
 * `SignatureDoesNotMatch` answer shows), for tests and debugging.
 */
export async function canonicalAwsRequest(
  request: AwsHttpRequest,
  options: SignAwsRequestOptions,
): Promise<string> {
  return await (await awsV4Signer(request, options)).canonicalString();
}

async function awsV4Signer(
  request: AwsHttpRequest,
  options: SignAwsRequestOptions,
): Promise<AwsV4Signer> {
  const { credentials, service, region, datetime } = options;
  const headers = new Headers(request.headers);
  if (service === "s3" && !headers.has("x-amz-content-sha256")) {
    headers.set("x-amz-content-sha256", await sha256Hex(request.body ?? ""));
  }
  return new AwsV4Signer({
    method: request.method,
    url: request.url.href,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined
      ? {}
      : { sessionToken: credentials.sessionToken }),
    service,
    region,
    cache: SIGNING_KEYS,
    ...(datetime === undefined ? {} : { datetime }),
  });
}

const HEX = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  let hex = "";
  for (const byte of digest) hex += HEX[byte];
  return hex;
}
