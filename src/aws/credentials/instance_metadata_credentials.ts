/**
 * Credentials of the EC2 instance's role from the instance metadata service,
 * IMDSv2: a session token (`PUT /latest/api/token`), the role's name, then
 * its credentials. An instance that refuses tokens (403, 404, 405) or does
 * not answer the token request is asked without one (IMDSv1), unless
 * `AWS_EC2_METADATA_V1_DISABLED` is set, as the SDK does.
 *
 * @module
 */
import type { AwsCredentials } from "../aws_credentials.ts";
import { sendAwsRequest } from "../send_aws_request.ts";
import { CredentialsProviderError } from "./credentials_provider_error.ts";
import { parseContainerCredentials } from "./container_credentials.ts";
import type { CredentialSources } from "./credential_sources.ts";
import { echoValue } from "../../util/echo_value.ts";
import { redactUrl } from "../../util/redact_url.ts";

/** The IMDS session token's life asked for: six hours, the most allowed. */
export const IMDS_TOKEN_TTL_SECONDS = 21600;
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";
/** Each metadata request: the service answers in milliseconds when it is there. */
const IMDS_TIMEOUT_MS = 1000;

/**
 * The metadata service's address: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else
 * by `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (`IPv4`, `IPv6`). Pure.
 */
export function instanceMetadataEndpoint(
  env: Readonly<Record<string, string>>,
): URL {
  const endpoint = env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  if (endpoint) {
    try {
      return new URL(endpoint);
    } catch {
      throw new CredentialsProviderError(
        `AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL: current value is '${
          echoValue(redactUrl(endpoint))
        }'`,
      );
    }
  }
  return new URL(
    env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.toLowerCase() === "ipv6"
      ? "http://[fd00:ec2::254]"
      : "http://169.254.169.254",
  );
}

/** Whether `AWS_EC2_METADATA_DISABLED` turns the service off (any value but `false`). */
export function instanceMetadataDisabled(
  env: Readonly<Record<string, string>>,
): boolean {
  const value = env.AWS_EC2_METADATA_DISABLED;
  return value !== undefined && value !== "" && value.toLowerCase() !== "false";
}

/**
 * Asks the metadata service for the instance role's credentials.
 *
 * @throws {CredentialsProviderError} when the service does not answer, the
 * instance has no role, or the answer holds no credentials.
 */
export async function instanceMetadataCredentials(
  sources: Pick<CredentialSources, "env" | "fetch">,
  signal?: AbortSignal,
): Promise<AwsCredentials> {
  const { env, fetch } = sources;
  const base = instanceMetadataEndpoint(env);
  const send = (
    method: "GET" | "PUT",
    path: string,
    headers: Record<string, string>,
  ) =>
    sendAwsRequest({ method, url: new URL(path, base), headers }, {
      timeoutMs: IMDS_TIMEOUT_MS,
      fetch,
      ...(signal === undefined ? {} : { signal }),
    });
  try {
    let headers: Record<string, string> = {};
    const v1Allowed = !isTrue(env.AWS_EC2_METADATA_V1_DISABLED);
    try {
      const token = await send("PUT", "/latest/api/token", {
        "x-aws-ec2-metadata-token-ttl-seconds": String(IMDS_TOKEN_TTL_SECONDS),
      });
      if (token.status === 200) {
        headers = { "x-aws-ec2-metadata-token": token.body.trim() };
      } else if (!v1Allowed || ![403, 404, 405].includes(token.status)) {
        throw new Error(`the token request was answered HTTP ${token.status}`);
      }
    } catch (error) {
      signal?.throwIfAborted();
      if (!v1Allowed) throw error;
      // No token (an old service or a timeout): IMDSv1, as the SDK falls back.
    }
    const roles = await send("GET", CREDENTIALS_PATH, headers);
    const role = roles.body.split("\n")[0]?.trim();
    if (roles.status !== 200 || !role) {
      throw new Error(
        `the instance has no IAM role (HTTP ${roles.status} for its role)`,
      );
    }
    const answer = await send(
      "GET",
      `${CREDENTIALS_PATH}${encodeURIComponent(role)}`,
      headers,
    );
    if (answer.status !== 200) {
      throw new Error(
        `the role's credentials were answered HTTP ${answer.status}`,
      );
    }
    return parseContainerCredentials(answer.body);
  } catch (error) {
    signal?.throwIfAborted();
    throw new CredentialsProviderError(
      `the EC2 instance metadata service at ${base.origin} gave no credentials: ${
        (error as Error).message
      }`,
      { cause: error },
    );
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === "true";
}
