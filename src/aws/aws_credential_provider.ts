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
import { caHttpClient, fetchThrough } from "../tls/ca_http_client.ts";

const chains = new Map<string, AwsCredentialProvider>();

/** Options for {@linkcode awsCredentialProvider}. */
export interface AwsCredentialProviderOptions {
  /**
   * The environment the chain reads.
   *
   * @default {Deno.env.toObject()}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * CAs the chain's own requests (STS, the container and instance metadata
   * endpoints) trust in addition to the system's, as the S3 and SQS
   * requests do (`UA_HARVEST_CA_CERT`).
   *
   * @default {the system's CAs only}
   */
  readonly caCertPath?: string;
}

/**
 * The provider for `credentials` (the settings' keys), else the default
 * chain (see `createCredentialChain()`) over the environment.
 *
 * @example Usage
 * ```ts ignore
 * const provider = awsCredentialProvider(settings.aws.credentials, { caCertPath });
 * ```
 *
 * @param credentials Keys to sign with, when the settings hold some.
 * @param options The environment and the private CA bundle.
 */
export function awsCredentialProvider(
  credentials?: AwsCredentials,
  options: AwsCredentialProviderOptions = {},
): AwsCredentialProvider {
  if (credentials !== undefined) return () => Promise.resolve(credentials);
  const { env = Deno.env.toObject(), caCertPath } = options;
  // One chain per AWS environment and CA bundle: a process that changes
  // them (a test) gets a new chain, never credentials found under other
  // settings.
  const key = JSON.stringify([
    caCertPath ?? null,
    Object.entries(env).filter(([name]) => name.startsWith("AWS_")).sort(),
  ]);
  let chain = chains.get(key);
  if (chain === undefined) {
    chain = createCredentialChain({
      env,
      fetch: fetchThrough(caHttpClient(caCertPath)),
    });
    chains.set(key, chain);
  }
  return chain;
}
