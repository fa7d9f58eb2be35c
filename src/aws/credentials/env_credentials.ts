/**
 * Credentials from the environment: `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, and `AWS_SESSION_TOKEN` /
 * `AWS_CREDENTIAL_EXPIRATION` for temporary ones. Pure.
 *
 * @module
 */
import type { AwsCredentials } from "../aws_credentials.ts";

/**
 * The credentials the environment holds; `undefined` unless both keys are set.
 *
 * @example Usage
 * ```ts
 * envCredentials({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" })?.accessKeyId; // "AKID"
 * ```
 */
export function envCredentials(
  env: Readonly<Record<string, string>>,
): AwsCredentials | undefined {
  const {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: sessionToken,
    AWS_CREDENTIAL_EXPIRATION: expiration,
  } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const expires = expiration ? new Date(expiration) : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expires && !Number.isNaN(expires.getTime())
      ? { expiration: expires }
      : {}),
  };
}
