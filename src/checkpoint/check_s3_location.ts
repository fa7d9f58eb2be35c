/**
 * Checks an S3 checkpoint's bucket name and object key, pure: with the
 * settings, before anything runs, and again by the store itself.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";

const BUCKET_NAME_REGEXP = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;
const MAX_KEY_BYTES = 1024;

/**
 * Accepts a bucket name of 3 to 255 letters, digits, `.`, `-` or `_` (what
 * S3 and S3-compatible stores take) and a key of 1 to 1024 bytes.
 *
 * @example Usage
 * ```ts
 * checkS3Location("harvest-state", "last-action-ts"); // no error
 * ```
 *
 * @throws {ConfigError} naming what is wrong and the value
 */
export function checkS3Location(bucket: string, key: string): void {
  if (!BUCKET_NAME_REGEXP.test(bucket)) {
    throw new ConfigError(
      `Cannot use S3 checkpoint as the bucket name must be 3 to 255 letters, digits, '.', '-' or '_': current value is '${
        echoValue(bucket)
      }'`,
    );
  }
  const keyBytes = new TextEncoder().encode(key).byteLength;
  if (keyBytes === 0 || keyBytes > MAX_KEY_BYTES) {
    throw new ConfigError(
      `Cannot use S3 checkpoint as the object key must be 1 to ${MAX_KEY_BYTES} bytes: current value is '${
        echoValue(key)
      }'`,
    );
  }
}
