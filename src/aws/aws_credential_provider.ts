/**
 * The credentials every S3 and SQS client of the run signs with: the
 * settings' own keys when given, else one credential chain per process, so
 * the checkpoint store and the sink share what it found (one metadata
 * lookup, one STS call).
 *
 * @module
 */
import type {
  AwsCredentialProvider,
  AwsCredentials,
} from "./aws_credentials.ts";
import { createCredentialChain } from "./credentials/credential_chain.ts";

let processChain: AwsCredentialProvider | undefined;

/**
 * The provider for `credentials` (the settings' keys), else the process's
 * default chain (see `createCredentialChain()`).
 *
 * @example Usage
 * ```ts ignore
 * const provider = awsCredentialProvider(settings.aws.credentials);
 * ```
 */
export function awsCredentialProvider(
  credentials?: AwsCredentials,
): AwsCredentialProvider {
  if (credentials !== undefined) return () => Promise.resolve(credentials);
  processChain ??= createCredentialChain();
  return processChain;
}
