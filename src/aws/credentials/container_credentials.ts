/**
 * Credentials from the container credential endpoint (ECS tasks, EKS Pod
 * Identity): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on
 * `http://169.254.170.2`) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the
 * `Authorization` token of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read each
 * time: it rotates) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
 *
 * @module
 */
import type { AwsCredentials } from "../aws_credentials.ts";
import { sendAwsRequest } from "../send_aws_request.ts";
import { retry } from "../../util/retry.ts";
import { CredentialsProviderError } from "./credentials_provider_error.ts";
import type { CredentialSources } from "./credential_sources.ts";
import { maskToken } from "./_mask_token.ts";
import { echoValue } from "../../util/echo_value.ts";
import { redactUrl } from "../../util/redact_url.ts";

const ECS_HOST = "http://169.254.170.2";
/** Hosts a plain-http full URI may name (the SDK's list). */
const HTTP_HOSTS = new Set([
  "169.254.170.2",
  "169.254.170.23",
  "[fd00:ec2::23]",
  "localhost",
  "[::1]",
]);

/**
 * The credential endpoint the environment names; `undefined` when it names
 * none. Pure.
 *
 * @throws {CredentialsProviderError} when a full URI is not allowed (plain
 * http to a host other than loopback or the container agents').
 */
export function containerCredentialsUrl(
  env: Readonly<Record<string, string>>,
): URL | undefined {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  if (relative) return new URL(relative, ECS_HOST);
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!full) return undefined;
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw new CredentialsProviderError(
      `AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: current value is '${
        echoValue(redactUrl(full))
      }'`,
    );
  }
  const allowed = url.protocol === "https:" ||
    (url.protocol === "http:" &&
      (HTTP_HOSTS.has(url.hostname) || url.hostname.startsWith("127.")));
  if (!allowed) {
    throw new CredentialsProviderError(
      `AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address or the container credential agent: current host is '${url.hostname}'`,
    );
  }
  return url;
}

/**
 * The credentials in the endpoint's JSON answer. Pure.
 *
 * @throws {CredentialsProviderError} when a field is missing.
 */
export function parseContainerCredentials(text: string): AwsCredentials {
  let value: Record<string, unknown> = {};
  try {
    value = JSON.parse(text);
  } catch {
    // Reported below as missing fields.
  }
  const { AccessKeyId, SecretAccessKey, Token, Expiration } = value ?? {};
  if (typeof AccessKeyId !== "string" || typeof SecretAccessKey !== "string") {
    throw new CredentialsProviderError(
      "The container credential endpoint answered without AccessKeyId and SecretAccessKey",
    );
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    ...(typeof Token === "string" ? { sessionToken: Token } : {}),
    ...(typeof Expiration === "string"
      ? { expiration: new Date(Expiration) }
      : {}),
  };
}

/**
 * Asks the container endpoint (3 attempts of 1 s, as the SDK).
 *
 * @throws {CredentialsProviderError} when it refuses or does not answer.
 */
export async function containerCredentials(
  url: URL,
  sources: Pick<CredentialSources, "env" | "readTextFile" | "fetch">,
  signal?: AbortSignal,
): Promise<AwsCredentials> {
  const { env, readTextFile } = sources;
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  const tokenFile = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  if (tokenFile) {
    try {
      token = (await readTextFile(tokenFile)).trim();
    } catch (error) {
      throw new CredentialsProviderError(
        `Cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${tokenFile}: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
  }
  const response = await retry(async () => {
    try {
      const answer = await sendAwsRequest({
        method: "GET",
        url,
        headers: token ? { authorization: token } : {},
      }, {
        timeoutMs: 1000,
        fetch: sources.fetch,
        ...(signal === undefined ? {} : { signal }),
      });
      return answer.status === 200 ? { ok: true, value: answer } : {
        ok: false,
        retryable: answer.status >= 500,
        error: new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 200)}`),
      };
    } catch (error) {
      signal?.throwIfAborted();
      return { ok: false, retryable: true, error };
    }
  }, {
    maxAttempts: 3,
    initialBackoffMs: 100,
    ...(signal === undefined ? {} : { signal }),
    giveUp: ({ error }) =>
      new CredentialsProviderError(
        `The container credential endpoint ${url.origin} gave no credentials: ${
          maskToken((error as Error).message, token)
        }`,
        { cause: error },
      ),
  });
  return parseContainerCredentials(response.body);
}
