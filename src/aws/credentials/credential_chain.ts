/**
 * Finds AWS credentials the way the SDK's default chain does, for the
 * sources operators use: the environment, the shared files' profile (static
 * keys, or a web identity role), a web identity token in the environment
 * (EKS), the container endpoint (ECS), and the EC2 instance metadata service.
 * A profile that needs what is not done here (SSO, `credential_process`,
 * role chains) is handed to the SDK's own chain, loaded only then.
 *
 * @module
 */
import { homedir } from "node:os";
import type {
  AwsCredentialProvider,
  AwsCredentials,
} from "../aws_credentials.ts";
import { DEFAULT_AWS_REGION } from "../../config/defaults.ts";
import { cacheCredentials } from "./cache_credentials.ts";
import { envCredentials } from "./env_credentials.ts";
import { profileName, readSharedProfile } from "./shared_profile.ts";
import { profileCredentialsPlan } from "./profile_credentials.ts";
import { webIdentityCredentials } from "./web_identity_credentials.ts";
import {
  containerCredentials,
  containerCredentialsUrl,
} from "./container_credentials.ts";
import {
  instanceMetadataCredentials,
  instanceMetadataDisabled,
  instanceMetadataEndpoint,
} from "./instance_metadata_credentials.ts";
import { sdkCredentials } from "./sdk_credential_chain.ts";
import { CredentialsProviderError } from "./credentials_provider_error.ts";
import type { CredentialSources } from "./credential_sources.ts";

/** Options for {@linkcode createCredentialChain}: the machine, each part replaceable. */
export interface CredentialChainOptions extends Partial<CredentialSources> {
  /**
   * Resolves a profile the chain does not (tests pass a fake).
   *
   * @default {the SDK's default chain, imported then}
   */
  readonly sdkFallback?: (
    profile: string,
    reason: string,
  ) => Promise<AwsCredentials>;
  /**
   * How long the SDK's chain may take: an SSO portal or STS that does not
   * answer, or a `credential_process` waiting for input, must not hold a
   * cron run for ever.
   *
   * @default {@linkcode SDK_CREDENTIALS_TIMEOUT_MS}
   */
  readonly sdkTimeoutMs?: number;
  /**
   * Whether this process may start programs (a `credential_process`); the
   * binary's permissions do not include it.
   *
   * @default {asks Deno's permissions for `run`}
   */
  readonly runAllowed?: () => boolean;
}

/** The SDK's chain gets half a minute: SSO and STS answer in a second or two. */
export const SDK_CREDENTIALS_TIMEOUT_MS = 30_000;

/**
 * Creates the chain; nothing is read until the provider is first called, and
 * what it finds is kept until five minutes before it expires.
 *
 * @example Usage
 * ```ts ignore
 * const credentials = createCredentialChain();
 * const { accessKeyId } = await credentials();
 * ```
 *
 * @returns A provider that rejects with a `CredentialsProviderError` naming
 * what was tried when no source holds credentials.
 */
export function createCredentialChain(
  options: CredentialChainOptions = {},
): AwsCredentialProvider {
  const sources: CredentialSources = {
    env: options.env ?? Deno.env.toObject(),
    readTextFile: options.readTextFile ?? ((path) => Deno.readTextFile(path)),
    homeDir: "homeDir" in options ? options.homeDir : safeHomeDir(),
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now: options.now ?? Date.now,
  };
  const sdk = {
    fallback: options.sdkFallback ?? sdkCredentials,
    timeoutMs: options.sdkTimeoutMs ?? SDK_CREDENTIALS_TIMEOUT_MS,
    runAllowed: options.runAllowed ?? runPermitted,
  };
  return cacheCredentials(
    (signal) => findCredentials(sources, sdk, signal),
    { now: sources.now },
  );
}

/** How profiles the chain does not resolve itself are handed to the SDK. */
interface SdkFallback {
  readonly fallback: NonNullable<CredentialChainOptions["sdkFallback"]>;
  readonly timeoutMs: number;
  readonly runAllowed: () => boolean;
}

async function findCredentials(
  sources: CredentialSources,
  sdk: SdkFallback,
  signal?: AbortSignal,
): Promise<AwsCredentials> {
  const { env } = sources;
  // With AWS_PROFILE set the SDK skips the environment's keys for the profile.
  if (!env.AWS_PROFILE) {
    const fromEnv = envCredentials(env);
    if (fromEnv) return fromEnv;
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_AWS_REGION;
  const stsEndpoint = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL ||
    undefined;
  const { profile, problems } = await readSharedProfile(sources);
  const notes = [...problems];
  if (profile) {
    const plan = profileCredentialsPlan(profile);
    switch (plan.kind) {
      case "static":
        return plan.credentials;
      case "web-identity":
        return await webIdentityCredentials(
          {
            roleArn: plan.roleArn,
            tokenFile: plan.tokenFile,
            ...(plan.sessionName ? { sessionName: plan.sessionName } : {}),
            region: profile.settings.region || region,
            ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
          },
          sources,
          signal,
        );
      case "sdk":
        return await fromSdk(sdk, profile.name, plan.reason);
      case "none":
        if (plan.reason !== undefined) notes.push(plan.reason);
        break;
    }
  }
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
    return await webIdentityCredentials(
      {
        roleArn: env.AWS_ROLE_ARN,
        tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
        ...(env.AWS_ROLE_SESSION_NAME
          ? { sessionName: env.AWS_ROLE_SESSION_NAME }
          : {}),
        region,
        ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
      },
      sources,
      signal,
    );
  }
  const container = containerCredentialsUrl(env);
  if (container) return await containerCredentials(container, sources, signal);
  const tried = `looked in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile '${
    profileName(env)
  }' of the shared AWS files, AWS_WEB_IDENTITY_TOKEN_FILE and the container credential variables`;
  // What nearly worked is what the operator most likely meant.
  const besides = notes.length === 0 ? "" : `; ${notes.join("; ")}`;
  if (instanceMetadataDisabled(env)) {
    throw new CredentialsProviderError(
      `Could not load AWS credentials: ${tried} (the instance metadata service is off: AWS_EC2_METADATA_DISABLED)${besides}`,
    );
  }
  // A malformed endpoint setting is said as it is, not as a service that
  // gave nothing.
  instanceMetadataEndpoint(env);
  try {
    return await instanceMetadataCredentials(sources, signal);
  } catch (error) {
    signal?.throwIfAborted();
    throw new CredentialsProviderError(
      `Could not load AWS credentials: ${tried}, and ${
        (error as Error).message
      }${besides}`,
      { cause: error },
    );
  }
}

/** The SDK's chain for `profile`, within its deadline. */
async function fromSdk(
  sdk: SdkFallback,
  profile: string,
  reason: string,
): Promise<AwsCredentials> {
  if (reason === "credential_process" && !sdk.runAllowed()) {
    // The SDK would only say it found nothing.
    throw new CredentialsProviderError(
      `The AWS profile '${profile}' gets its credentials from credential_process, which ua-harvest cannot start: it has no permission to run programs; give the profile keys, a web_identity_token_file or SSO, or use an instance or container role`,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CredentialsProviderError(
            `The AWS SDK gave no credentials for profile '${profile}' (${reason}) within ${
              sdk.timeoutMs / 1000
            } s`,
          ),
        ),
      sdk.timeoutMs,
    );
  });
  try {
    return await Promise.race([sdk.fallback(profile, reason), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function runPermitted(): boolean {
  return Deno.permissions.querySync({ name: "run" }).state === "granted";
}

function safeHomeDir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
