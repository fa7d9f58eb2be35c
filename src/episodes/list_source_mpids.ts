import type { Client } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import { toElasticsearchError } from "../elasticsearch/_elasticsearch_error.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** Options of {@linkcode listSourceMpids}. */
export interface ListSourceMpidsOptions {
  /** The field holding the mediapackage id in the action indexes. @default "mpid" */
  field?: string;
  /** Buckets per request. @default 1000 */
  pageSize?: number;
}

/**
 * The distinct mediapackage ids found in the action indexes matching
 * `pattern` (e.g. `useractions-*`), sorted. Uses a `composite` aggregation
 * paged with `after_key`, so the list is complete however many ids there
 * are (Elasticsearch 8 refuses the original's `terms` aggregation of size 0).
 * A pattern that matches no index gives an empty list.
 *
 * @throws {UnreachableError | AuthenticationError | ApiContractError}
 */
export async function listSourceMpids(
  client: Client,
  pattern: string,
  options: ListSourceMpidsOptions = {},
): Promise<string[]> {
  const { field = "mpid", pageSize = 1000 } = options;
  const mpids: string[] = [];
  let after: Record<string, string | number> | undefined;
  for (let page = 1;; page += 1) {
    let response;
    try {
      response = await client.search({
        index: pattern,
        size: 0,
        track_total_hits: false,
        ignore_unavailable: true,
        allow_no_indices: true,
        aggregations: {
          mpids: {
            composite: {
              size: pageSize,
              sources: [{ mpid: { terms: { field } } }],
              ...(after === undefined ? {} : { after }),
            },
          },
        },
      });
    } catch (error) {
      throw toElasticsearchError(
        error,
        client,
        `listing mediapackage ids in ${pattern}`,
      );
    }
    // No aggregations at all when the pattern matched no index.
    const aggregation = response.aggregations?.mpids as
      | {
        buckets: { key: Record<string, string | number> }[];
        after_key?: Record<string, string | number>;
      }
      | undefined;
    const buckets = aggregation?.buckets ?? [];
    for (const bucket of buckets) mpids.push(String(bucket.key.mpid));
    logger.debug("Page {page} of mediapackage ids in {pattern}: {count}", {
      page,
      pattern,
      count: buckets.length,
    });
    if (buckets.length === 0 || aggregation?.after_key === undefined) break;
    after = aggregation.after_key;
  }
  return mpids;
}
