/**
 * One episode by mediapackage id from an engage node.
 *
 * @module
 */
import type { OpencastClient } from "./opencast_client.ts";
import type { Episode } from "./types.ts";
import { normalizeEpisodePage } from "./normalize_episode_page.ts";

const ENDPOINT = "/search/episode.json";

/**
 * GETs `/search/episode.json?id=…&includeDeleted=true&limit=1`. The DCE fork
 * needs `includeDeleted` to find retracted episodes that still have views;
 * upstream ignores it. Resolves `null` when the search has no such episode.
 *
 * @example Usage
 * ```ts
 * const episode = await fetchEpisode(engage, "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11");
 * ```
 */
export async function fetchEpisode(
  client: OpencastClient,
  mediapackageId: string,
): Promise<Episode | null> {
  const raw = await client.getJson(ENDPOINT, {
    id: mediapackageId,
    includeDeleted: true,
    limit: 1,
  });
  const page = normalizeEpisodePage(raw, ENDPOINT);
  // Guard against a server that ignored `id` and answered another episode.
  return page.episodes.find((episode) => episode.id === mediapackageId) ??
    null;
}
