/**
 * AWS settings for a run whose S3 is a loopback fake: what tests of the
 * parts that take `AwsSettings` hand them.
 *
 * @module
 */
import type { AwsSettings } from "../../src/config/settings.ts";

/**
 * Settings that send S3 requests to `s3Endpoint` (an S3 fake, or a server
 * that never answers), path-style, signed with static test keys in
 * us-east-1.
 *
 * @example
 * ```ts
 * await using s3 = await startS3Fake();
 * const aws = loopbackAws(s3.url);
 * ```
 */
export function loopbackAws(s3Endpoint: string): AwsSettings {
  return {
    region: "us-east-1",
    s3Endpoint,
    s3ForcePathStyle: true,
    credentials: { accessKeyId: "AKID", secretAccessKey: "test-secret" },
  };
}
