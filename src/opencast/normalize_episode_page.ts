/**
 * Turns the raw JSON of an episode search into an {@linkcode EpisodePage}.
 *
 * @module
 */
import { describeValue } from "./_describe_value.ts";
import { ApiContractError } from "../errors.ts";
import type { EpisodePage } from "./types.ts";
import { normalizeEpisode } from "./normalize_episode.ts";
import { asList, asNumber, isObject } from "./_jettison.ts";

/**
 * Normalizes a `/search/episode.json` answer of either era: the Solr-era
 * `{"search-results": {total, result}}` (one result as a bare object, none as
 * a missing key, counters possibly strings) or the OC 16
 * `{total, result: [...]}` without a wrapper.
 *
 * @example Usage
 * ```ts
 * normalizeEpisodePage({ "search-results": { total: "0", limit: "0", offset: "0" } });
 * // { total: 0, episodes: [] }
 * ```
 *
 * @param endpoint The endpoint named in error messages.
 * @throws {ApiContractError} When neither shape is recognized or a result is
 * malformed.
 */
export function normalizeEpisodePage(
  raw: unknown,
  endpoint = "/search/episode.json",
): EpisodePage {
  const root = isObject(raw)
    ? (isObject(raw["search-results"])
      ? raw["search-results"]
      // OC 16: no wrapper; `result` is always a list and `total` a number.
      : "result" in raw || "total" in raw
      ? raw
      : undefined)
    : undefined;
  if (root === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered JSON without "search-results" or "result": is the host an Opencast engage node?`,
    );
  }
  const episodes = asList(root["result"]).map((result) =>
    normalizeEpisode(result, endpoint)
  );
  const total = root["total"] === undefined
    ? episodes.length
    : asNumber(root["total"]);
  if (total === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered a non-numeric "total": ${
        describeValue(root["total"])
      }`,
    );
  }
  return { total, episodes };
}
