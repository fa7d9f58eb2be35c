/**
 * Credentials for a role assumed with a web identity token (EKS service
 * accounts, "IRSA"): the token file is read for every call (the kubelet
 * rotates it) and sent, unsigned, to STS `AssumeRoleWithWebIdentity`.
 *
 * @module
 */
import type { AwsCredentials } from "../aws_credentials.ts";
import type { AwsHttpRequest } from "../aws_http_request.ts";
import { awsServiceEndpoint } from "../aws_service_endpoint.ts";
import { sendAwsRequest } from "../send_aws_request.ts";
import { parseAwsError } from "../parse_aws_error.ts";
import { classifyAwsError } from "../classify_aws_error.ts";
import { AwsNetworkError } from "../aws_network_error.ts";
import { AwsResponseError } from "../aws_response_error.ts";
import { xmlText } from "../_xml_text.ts";
import { CredentialsProviderError } from "./credentials_provider_error.ts";
import type { CredentialSources } from "./credential_sources.ts";
import { maskToken } from "./_mask_token.ts";

/** The role, the token and where STS is. */
export interface WebIdentityOptions {
  readonly roleArn: string;
  readonly tokenFile: string;
  /** @default {`ua-harvest-<epoch ms>`} */
  readonly sessionName?: string;
  /** The region whose STS endpoint is asked. */
  readonly region: string;
  /** STS's endpoint (`AWS_ENDPOINT_URL_STS`). @default {AWS's, in `region`} */
  readonly endpoint?: string;
  /** @default {5000} */
  readonly timeoutMs?: number;
}

/**
 * The `AssumeRoleWithWebIdentity` request (query protocol, form-encoded).
 * Pure.
 */
function buildAssumeRoleWithWebIdentityRequest(
  options: Omit<WebIdentityOptions, "tokenFile" | "timeoutMs"> & {
    readonly token: string;
    readonly sessionName: string;
  },
): AwsHttpRequest {
  const url = options.endpoint === undefined
    ? awsServiceEndpoint("sts", options.region)
    : new URL(options.endpoint);
  return {
    method: "POST",
    url,
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    },
    body: new URLSearchParams({
      Action: "AssumeRoleWithWebIdentity",
      Version: "2011-06-15",
      RoleArn: options.roleArn,
      RoleSessionName: options.sessionName,
      WebIdentityToken: options.token,
    }).toString(),
  };
}

/**
 * The credentials in an STS answer (`<Credentials>` of any `Assume*Result`).
 * Pure.
 *
 * @throws {CredentialsProviderError} when a field is missing.
 */
function parseStsCredentials(xml: string): AwsCredentials {
  const block = xmlText(xml, "Credentials") ?? "";
  const accessKeyId = xmlText(block, "AccessKeyId");
  const secretAccessKey = xmlText(block, "SecretAccessKey");
  const sessionToken = xmlText(block, "SessionToken");
  const expiration = xmlText(block, "Expiration");
  if (!accessKeyId || !secretAccessKey || !sessionToken) {
    throw new CredentialsProviderError(
      "STS answered AssumeRoleWithWebIdentity without credentials",
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

/**
 * Assumes the role.
 *
 * @throws {CredentialsProviderError} when the token file cannot be read or
 * STS refuses or does not answer.
 */
export async function webIdentityCredentials(
  options: WebIdentityOptions,
  sources: Pick<CredentialSources, "readTextFile" | "fetch" | "now">,
  signal?: AbortSignal,
): Promise<AwsCredentials> {
  const where =
    `the role ${options.roleArn} with the web identity token ${options.tokenFile}`;
  let token: string;
  try {
    token = (await sources.readTextFile(options.tokenFile)).trim();
  } catch (error) {
    throw new CredentialsProviderError(
      `Cannot read the web identity token file ${options.tokenFile} (AWS_WEB_IDENTITY_TOKEN_FILE): ${
        (error as Error).message
      }`,
      { cause: error },
    );
  }
  const request = buildAssumeRoleWithWebIdentityRequest({
    ...options,
    token,
    sessionName: options.sessionName ?? `ua-harvest-${sources.now()}`,
  });
  try {
    const response = await sendAwsRequest(request, {
      timeoutMs: options.timeoutMs ?? 5000,
      fetch: sources.fetch,
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status !== 200) throw parseAwsError(response, "xml");
    return parseStsCredentials(response.body);
  } catch (error) {
    signal?.throwIfAborted();
    if (error instanceof CredentialsProviderError) throw error;
    const { code, message } = error as { code?: string; message?: string };
    const failure = classifyAwsError(error);
    if (failure.retryable) {
      // STS down, throttling or out of reach: an outage the caller retries
      // and reports as one (exit 4), not credentials to fix (exit 3).
      const text =
        `STS did not give credentials for ${where}: ${failure.code}: ${
          maskToken(failure.message, token)
        }`;
      throw error instanceof AwsResponseError
        ? new AwsResponseError(text, { code: error.code, status: error.status })
        : new AwsNetworkError(text, failure.code, { cause: error });
    }
    // STS may quote the request's values back (a validation error): the
    // token is a credential, so it never reaches the message.
    throw new CredentialsProviderError(
      `Cannot assume ${where}: STS ${code ?? "failed"}: ${
        maskToken(String(message ?? error), token)
      }`,
      { cause: error },
    );
  }
}
