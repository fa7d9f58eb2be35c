import type { Client } from "@elastic/elasticsearch";
import { errors } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import {
  elasticsearchUrl,
  toElasticsearchError,
} from "./_elasticsearch_error.ts";

const logger = getLogger(["ua-harvest", "elasticsearch"]);

/** What `GET /` told us about the cluster. */
export interface ElasticsearchInfo {
  /** The URL checked, without credentials. */
  url: string;
  /** `cluster_name`; `null` when the user may not read cluster info. */
  clusterName: string | null;
  /** `version.number`; `null` when the user may not read cluster info. */
  version: string | null;
}

/**
 * Checks, before any work, that the cluster answers and accepts the
 * credentials (`GET /`). A 403 passes with a warning: an account allowed to
 * write the indexes but not to read cluster info can still do the job, and
 * a health check should err toward passing.
 *
 * @throws {UnreachableError} when the cluster cannot be reached
 * @throws {AuthenticationError} when it refuses the credentials (401)
 * @throws {ApiContractError} when the server is not Elasticsearch
 */
export async function checkElasticsearch(
  client: Client,
): Promise<ElasticsearchInfo> {
  const url = elasticsearchUrl(client);
  try {
    // The client's own deadline (`--es-timeout`), with one retry.
    const info = await client.info(undefined, { maxRetries: 1 });
    const major = Number.parseInt(info.version.number, 10);
    if (major < 8) {
      logger.warn(
        "Elasticsearch at {url} is version {version}; this tool is tested with 8 and 9",
        { url, version: info.version.number },
      );
    }
    logger.debug("Elasticsearch at {url} is {cluster} version {version}", {
      url,
      cluster: info.cluster_name,
      version: info.version.number,
    });
    return {
      url,
      clusterName: info.cluster_name,
      version: info.version.number,
    };
  } catch (error) {
    if (
      error instanceof errors.ResponseError && error.meta.statusCode === 403
    ) {
      logger.warn(
        "Elasticsearch at {url} accepted the credentials but does not let them read cluster info; continuing",
        { url },
      );
      return { url, clusterName: null, version: null };
    }
    throw toElasticsearchError(error, client, "checking the connection");
  }
}
