/**
 * The AWS SDK's own default credential chain, for the profiles this tool
 * does not resolve itself (SSO, `credential_process`, a role assumed from
 * another profile or a `credential_source`, a console login). Imported only
 * when such a profile is in use: loading it costs a few hundred milliseconds.
 *
 * @module
 */
import type { AwsCredentials } from "../aws_credentials.ts";
import { CredentialsProviderError } from "./credentials_provider_error.ts";

/**
 * Resolves credentials with the SDK's `defaultProvider` for `profile`.
 *
 * @throws {CredentialsProviderError} when the SDK finds none.
 */
export async function sdkCredentials(
  profile: string,
  reason: string,
): Promise<AwsCredentials> {
  const { defaultProvider } = await import(
    "@aws-sdk/credential-provider-node"
  );
  try {
    const identity = await defaultProvider({ profile })();
    return {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
      ...(identity.expiration ? { expiration: identity.expiration } : {}),
    };
  } catch (error) {
    throw new CredentialsProviderError(
      `The AWS SDK found no credentials for profile '${profile}' (${reason}): ${
        (error as Error).message
      }`,
      { cause: error },
    );
  }
}
