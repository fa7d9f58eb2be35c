/**
 * One episode by mediapackage id from an engage node.
 *
 * @module
 */
import type { OpencastClient } from "./opencast_client.ts";
import type { Episode } from "./types.ts";
import { normalizeEpisodePage } from "./normalize_episode_page.ts";

const ENDPOINT = "/search/episode.json";

/** Options for {@linkcode fetchEpisode}. */
export interface FetchEpisodeOptions {
  /**
   * Send `includeDeleted=true`, which the DCE fork needs to find retracted
   * episodes that still have views; upstream ignores it.
   *
   * @default true
   */
  readonly includeDeleted?: boolean;
}

/**
 * GETs `/search/episode.json?id=…&includeDeleted=true&limit=1`; the `id`
 * lookup works on every version, and the answer is read in either era's
 * format. Resolves `null` when the search has no such episode (upstream:
 * also when it was deleted).
 *
 * @example Usage
 * ```ts
 * const episode = await fetchEpisode(engage, "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11");
 * ```
 */
export async function fetchEpisode(
  client: OpencastClient,
  mediapackageId: string,
  options: FetchEpisodeOptions = {},
): Promise<Episode | null> {
  const { includeDeleted = true } = options;
  const raw = await client.getJson(ENDPOINT, {
    id: mediapackageId,
    includeDeleted: includeDeleted ? true : undefined,
    limit: 1,
  });
  const page = normalizeEpisodePage(raw, ENDPOINT);
  // Guard against a server that ignored `id` and answered another episode.
  return page.episodes.find((episode) => episode.id === mediapackageId) ??
    null;
}
