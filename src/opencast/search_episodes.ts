/**
 * A page of episodes, newest first, from an engage node.
 *
 * @module
 */
import type { OpencastClient } from "./opencast_client.ts";
import type { EpisodePage, SearchFormat } from "./types.ts";
import { normalizeEpisodePage } from "./normalize_episode_page.ts";

const ENDPOINT = "/search/episode.json";
const ISO_UTC_REGEXP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The largest page OC 16+ serves a non-admin; above it answers 400. */
export const OPENSEARCH_MAX_LIMIT = 250;

/** Options for {@linkcode searchEpisodes}. */
export interface SearchEpisodesOptions {
  /**
   * The request format the server understands: `solr` (≤ OC 15, the DCE
   * fork) sorts by `DATE_CREATED_DESC`; `opensearch` (OC 16+) by
   * `modified desc`, the only date it sorts by.
   *
   * @default "solr"
   */
  readonly format?: SearchFormat;
  /**
   * Created at or after, `YYYY-MM-DDTHH:mm:ssZ` (DCE fork parameter, ignored
   * upstream; not sent to OC 16+).
   *
   * @default undefined (not sent)
   */
  readonly createdFrom?: string;
  /**
   * Created at or before, `YYYY-MM-DDTHH:mm:ssZ` (DCE fork parameter, ignored
   * upstream; not sent to OC 16+).
   *
   * @default undefined (not sent)
   */
  readonly createdTo?: string;
  /**
   * Send `includeDeleted=true` (DCE fork parameter, ignored upstream; not
   * sent to OC 16+, which never returns deleted episodes).
   *
   * @default false
   */
  readonly includeDeleted?: boolean;
  /**
   * Page size; always sent, since a missing limit means "everything" on
   * ≤ OC 7.3. OC 16+ gets at most {@linkcode OPENSEARCH_MAX_LIMIT}.
   */
  readonly limit: number;
  /** Row offset (not a page number). */
  readonly offset: number;
}

/**
 * GETs a page of `/search/episode.json`, newest first: Solr era
 * `sort=DATE_CREATED_DESC` (plus the DCE window parameters when given), OC 16+
 * `sort=modified desc` with the limit capped at 250. The page's `format` says
 * which shape the server answered, whatever was asked.
 *
 * @example Usage
 * ```ts
 * const page = await searchEpisodes(engage, { format: "opensearch", limit: 100, offset: 0 });
 * ```
 *
 * @throws {RangeError} For a malformed date, a limit below 1 or a negative offset.
 */
export async function searchEpisodes(
  client: OpencastClient,
  options: SearchEpisodesOptions,
): Promise<EpisodePage> {
  const {
    format = "solr",
    createdFrom,
    createdTo,
    includeDeleted = false,
    limit,
    offset,
  } = options;
  for (
    const [name, value] of [
      ["createdFrom", createdFrom],
      ["createdTo", createdTo],
    ] as const
  ) {
    if (value !== undefined && !ISO_UTC_REGEXP.test(value)) {
      throw new RangeError(
        `Cannot search episodes as ${name} must be YYYY-MM-DDTHH:mm:ssZ: current value is ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      `Cannot search episodes as limit must be a positive integer: current value is ${limit}`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(
      `Cannot search episodes as offset must be a non-negative integer: current value is ${offset}`,
    );
  }
  const params = format === "opensearch"
    ? {
      sort: "modified desc",
      limit: Math.min(limit, OPENSEARCH_MAX_LIMIT),
      offset,
    }
    : {
      includeDeleted: includeDeleted ? true : undefined,
      sort: "DATE_CREATED_DESC",
      createdFrom,
      createdTo,
      limit,
      offset,
    };
  const raw = await client.getJson(ENDPOINT, params);
  return normalizeEpisodePage(raw, ENDPOINT);
}
