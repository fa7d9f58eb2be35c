/**
 * Where an S3 request goes: virtual-hosted (`bucket.s3.region.amazonaws.com/key`)
 * or path-style (`endpoint/bucket/key`), by the rules of the AWS SDK's S3
 * endpoint resolution for the cases the tool meets.
 *
 * @module
 */
import { awsServiceEndpoint } from "./aws_service_endpoint.ts";

/** Options for {@linkcode s3Url}. */
export interface S3UrlOptions {
  readonly bucket: string;
  /** The object key; `undefined` for a bucket request. @default {undefined} */
  readonly key?: string;
  readonly region: string;
  /** An endpoint replacing AWS's (MinIO, LocalStack). @default {undefined} */
  readonly endpoint?: string;
  /** Always `endpoint/bucket`. @default {false} */
  readonly forcePathStyle?: boolean;
}

/** What DNS can carry as a host label: lower case, digits, dashes. */
const DNS_BUCKET_REGEXP = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Dotted names too, over http only (a TLS wildcard covers one label). */
const DOTTED_BUCKET_REGEXP = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_LIKE_REGEXP = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * The URL of a bucket or object. Virtual-hosted unless `forcePathStyle`, the
 * endpoint is an IP address, or the bucket name cannot be a host label
 * (upper case, `_`, or dots over https): then path-style, as the SDK does.
 *
 * @example Usage
 * ```ts
 * s3Url({ bucket: "harvest-ts", key: "a b", region: "eu-west-1" }).href;
 * // "https://harvest-ts.s3.eu-west-1.amazonaws.com/a%20b"
 * ```
 */
export function s3Url(options: S3UrlOptions): URL {
  const { bucket, key, region, endpoint, forcePathStyle = false } = options;
  const base = endpoint === undefined
    ? awsServiceEndpoint("s3", region)
    : new URL(endpoint);
  const basePath = base.pathname.replace(/\/+$/, "");
  const keyPath = key === undefined ? "" : `/${encodeS3Key(key)}`;
  const virtual = !forcePathStyle && !isIpHost(base.hostname) &&
    (DNS_BUCKET_REGEXP.test(bucket) ||
      (base.protocol === "http:" && DOTTED_BUCKET_REGEXP.test(bucket) &&
        !bucket.includes("..") && !IP_LIKE_REGEXP.test(bucket)));
  const url = new URL(base.href);
  if (virtual) {
    url.hostname = `${bucket}.${base.hostname}`;
    url.pathname = `${basePath}${keyPath || "/"}`;
  } else {
    url.pathname = `${basePath}/${encodeS3Key(bucket)}${keyPath}`;
  }
  url.search = "";
  return url;
}

/** Each `/`-separated part of a key, URI-encoded as SigV4 asks (RFC 3986). */
function encodeS3Key(key: string): string {
  return key.split("/").map((part) =>
    encodeURIComponent(part).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )
  ).join("/");
}

function isIpHost(hostname: string): boolean {
  return IP_LIKE_REGEXP.test(hostname) || hostname.startsWith("[");
}
