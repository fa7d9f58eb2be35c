import type { Client } from "@elastic/elasticsearch";
import { errors } from "@elastic/elasticsearch";
import {
  ApiContractError,
  AuthenticationError,
  UnreachableError,
} from "../errors.ts";
import { oneLine } from "../util/one_line.ts";

/** An Elasticsearch reason is cut to this many characters in a message. */
const MAX_REASON_LENGTH = 300;

/** The URL the client talks to, without credentials (we never put any there). */
export function elasticsearchUrl(client: Client): string {
  const connection = client.connectionPool.connections[0];
  if (connection === undefined) return "Elasticsearch";
  const url = new URL(connection.url);
  url.username = "";
  url.password = "";
  return url.pathname === "/" ? url.origin : url.origin + url.pathname;
}

/** `type: reason` of an Elasticsearch error body, shortened to one line. */
export function describeCause(
  cause: { type?: string; reason?: string | null } | null | undefined,
): string {
  if (cause == null) return "no reason given";
  const text = [cause.type, cause.reason].filter((part) => part).join(": ");
  return oneLine(text, { maxLength: MAX_REASON_LENGTH }) || "no reason given";
}

/**
 * Maps an error of the Elasticsearch client to one of ours, so the person
 * running the tool gets one line that says what to fix. Unknown errors pass
 * through unchanged. Messages quote the URL (which holds no credentials) and
 * the server's reason, never a password or API key.
 *
 * @param action what we were doing, e.g. `"bulk indexing"`
 */
export function toElasticsearchError(
  error: unknown,
  client: Client,
  action: string,
): unknown {
  const url = elasticsearchUrl(client);
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    const hint = /certificate|self.signed|unable to verify|CERT_/i.test(
        error.message,
      )
      ? "if it is signed by a private CA, set UA_HARVEST_CA_CERT (or --ca-cert), or ELASTICSEARCH_CA_CERT, to that CA's PEM file"
      : /SSL|TLS|wrong version/i.test(error.message)
      ? "check http:// or https:// in ELASTICSEARCH_HOST"
      : "check ELASTICSEARCH_HOST and that the cluster is up";
    return new UnreachableError(
      `Cannot reach Elasticsearch at ${url} while ${action} (${
        oneLine(error.message, { maxLength: MAX_REASON_LENGTH })
      }): ${hint}`,
      { cause: error },
    );
  }
  if (error instanceof errors.ProductNotSupportedError) {
    return new ApiContractError(
      `The server at ${url} is not Elasticsearch (no X-Elastic-Product header): check ELASTICSEARCH_HOST`,
      { cause: error },
    );
  }
  if (error instanceof errors.ResponseError) {
    const status = error.meta.statusCode ?? 0;
    const body = error.meta.body as
      | { error?: { type?: string; reason?: string } | string }
      | undefined;
    const reason = typeof body?.error === "string"
      ? oneLine(body.error, { maxLength: MAX_REASON_LENGTH })
      : describeCause(body?.error);
    if (status === 401) {
      return new AuthenticationError(
        `Elasticsearch at ${url} refused the credentials (401 ${reason}): check ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD, or ELASTICSEARCH_API_KEY`,
        { cause: error },
      );
    }
    if (status === 403) {
      return new AuthenticationError(
        `Elasticsearch at ${url} does not allow ${action} for this user (403 ${reason}): grant the privilege or use another account`,
        { cause: error },
      );
    }
    if (status >= 500 || status === 429) {
      return new UnreachableError(
        `Elasticsearch at ${url} kept failing while ${action} (${status} ${reason}): check the cluster's health`,
        { cause: error },
      );
    }
    return new ApiContractError(
      `Elasticsearch at ${url} refused ${action} (${status} ${reason})`,
      { cause: error },
    );
  }
  return error;
}
