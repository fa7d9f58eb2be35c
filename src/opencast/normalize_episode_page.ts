/**
 * Turns the raw JSON of an episode search into an {@linkcode EpisodePage}.
 *
 * @module
 */
import { ApiContractError } from "../errors.ts";
import type { EpisodePage, SearchFormat } from "./types.ts";
import { normalizeEpisode } from "./normalize_episode.ts";
import { asList, asNumber, isObject, type JsonObject } from "./_jettison.ts";

/**
 * Normalizes a `/search/episode.json` answer of either era: the Solr-era
 * `{"search-results": {total, result}}` (one result as a bare object, none as
 * a missing key, counters possibly strings) or the OC 16
 * `{total, result: [...]}` without a wrapper. The page says which it was, so
 * a caller can tell the server's era from its first answer.
 *
 * @example Usage
 * ```ts
 * normalizeEpisodePage({ "search-results": { total: "0", limit: "0", offset: "0" } });
 * // { total: 0, episodes: [], format: "solr" }
 * ```
 *
 * @param endpoint The endpoint named in error messages.
 * @throws {ApiContractError} When neither shape is recognized, a result is
 * malformed, or `total` is not a number.
 */
export function normalizeEpisodePage(
  raw: unknown,
  endpoint = "/search/episode.json",
): EpisodePage {
  let root: JsonObject | undefined;
  let format: SearchFormat = "solr";
  if (isObject(raw)) {
    if (isObject(raw["search-results"])) {
      root = raw["search-results"];
    } else if ("result" in raw || "total" in raw) {
      // OC 16: no wrapper; `result` is always a list.
      root = raw;
      format = "opensearch";
    }
  }
  if (root === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered JSON without "search-results" or "result": is the host an Opencast engage node?`,
    );
  }
  const episodes = asList(root["result"]).map((result) =>
    normalizeEpisode(result, endpoint)
  );
  // Without a count the caller pages until a short page, rather than
  // taking this page for all there is.
  if (root["total"] === undefined) {
    return { total: undefined, episodes, format };
  }
  const total = asNumber(root["total"]);
  if (total === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered a non-numeric "total": ${
        JSON.stringify(root["total"])
      }`,
    );
  }
  return { total, episodes, format };
}
