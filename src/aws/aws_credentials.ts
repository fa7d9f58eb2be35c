/**
 * AWS credentials as every signer and provider of the tool passes them.
 *
 * @module
 */

/** AWS keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (a role, STS) carry one. */
  readonly sessionToken?: string;
  /** When temporary credentials stop working; static keys have none. */
  readonly expiration?: Date;
}

/**
 * Finds the credentials a request is signed with; called before every
 * request, so a provider caches (see `cacheCredentials()`).
 */
export type AwsCredentialProvider = (
  signal?: AbortSignal,
) => Promise<AwsCredentials>;
