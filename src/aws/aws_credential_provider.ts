/**
 * The credentials every S3 and SQS client of the run signs with: the
 * settings' own keys when given, else a credential chain shared by every
 * client made with the same `AWS_*` environment, so the checkpoint store and
 * the sink of a run share what it found (one metadata lookup, one STS call).
 *
 * @module
 */
import type {
  AwsCredentialProvider,
  AwsCredentials,
} from "./aws_credentials.ts";
import { createCredentialChain } from "./credentials/credential_chain.ts";

const chains = new Map<string, AwsCredentialProvider>();

/**
 * The provider for `credentials` (the settings' keys), else the default
 * chain (see `createCredentialChain()`) over `env`.
 *
 * @example Usage
 * ```ts ignore
 * const provider = awsCredentialProvider(settings.aws.credentials);
 * ```
 *
 * @param credentials Keys to sign with, when the settings hold some.
 * @param env The environment the chain reads. @default {Deno.env.toObject()}
 */
export function awsCredentialProvider(
  credentials?: AwsCredentials,
  env: Readonly<Record<string, string>> = Deno.env.toObject(),
): AwsCredentialProvider {
  if (credentials !== undefined) return () => Promise.resolve(credentials);
  // One chain per AWS environment: a process that changes it (a test) gets
  // a new chain, never credentials found under other settings.
  const key = JSON.stringify(
    Object.entries(env).filter(([name]) => name.startsWith("AWS_")).sort(),
  );
  let chain = chains.get(key);
  if (chain === undefined) {
    chain = createCredentialChain({ env });
    chains.set(key, chain);
  }
  return chain;
}
