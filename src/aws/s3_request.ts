/**
 * The S3 requests of the checkpoint store, built without sending anything:
 * HeadBucket, CreateBucket, GetObject, HeadObject and a conditional
 * PutObject.
 *
 * @module
 */
import type { AwsHttpRequest } from "./aws_http_request.ts";
import { s3Url, type S3UrlOptions } from "./s3_url.ts";

/** The operations the tool sends to S3, with their inputs. */
export type S3Operation =
  | { readonly name: "HeadBucket" }
  | {
    readonly name: "CreateBucket";
    /** Every region but us-east-1 must be named (`LocationConstraint`). */
    readonly locationConstraint?: string;
  }
  | { readonly name: "GetObject"; readonly key: string }
  | { readonly name: "HeadObject"; readonly key: string }
  | {
    readonly name: "PutObject";
    readonly key: string;
    readonly body: string;
    readonly contentType: string;
    /** Writes only over the object with this ETag (412 otherwise). */
    readonly ifMatch?: string;
    /** `*`: writes only when there is no object yet (412 otherwise). */
    readonly ifNoneMatch?: string;
  };

/** Where the bucket is: {@linkcode S3UrlOptions} without the key. */
export type S3Target = Omit<S3UrlOptions, "key">;

/**
 * The unsigned request of an S3 operation.
 *
 * @example Usage
 * ```ts
 * const request = buildS3Request({ name: "GetObject", key: "k" }, {
 *   bucket: "b", region: "us-east-1", endpoint: "http://127.0.0.1:9000", forcePathStyle: true,
 * });
 * request.url.href; // "http://127.0.0.1:9000/b/k"
 * ```
 */
export function buildS3Request(
  operation: S3Operation,
  target: S3Target,
): AwsHttpRequest {
  switch (operation.name) {
    case "HeadBucket":
      return { method: "HEAD", url: s3Url(target), headers: {} };
    case "CreateBucket": {
      const { locationConstraint } = operation;
      if (locationConstraint === undefined) {
        return { method: "PUT", url: s3Url(target), headers: {} };
      }
      return {
        method: "PUT",
        url: s3Url(target),
        headers: { "content-type": "application/xml" },
        body:
          `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${locationConstraint}</LocationConstraint></CreateBucketConfiguration>`,
      };
    }
    case "GetObject":
      return {
        method: "GET",
        url: s3Url({ ...target, key: operation.key }),
        headers: {},
      };
    case "HeadObject":
      return {
        method: "HEAD",
        url: s3Url({ ...target, key: operation.key }),
        headers: {},
      };
    case "PutObject": {
      const { key, body, contentType, ifMatch, ifNoneMatch } = operation;
      return {
        method: "PUT",
        url: s3Url({ ...target, key }),
        headers: {
          "content-type": contentType,
          ...(ifMatch === undefined ? {} : { "if-match": ifMatch }),
          ...(ifNoneMatch === undefined
            ? {}
            : { "if-none-match": ifNoneMatch }),
        },
        body,
      };
    }
  }
}
