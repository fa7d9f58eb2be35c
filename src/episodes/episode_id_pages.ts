/**
 * The episodes of given ids (`--mpid`, `--source-index-pattern`), page by
 * page.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Episode } from "../opencast/types.ts";
import { mapConcurrent } from "../util/map_concurrent.ts";
import type { LoadEpisodesSummary } from "./load_episodes_summary.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** Options for {@linkcode episodeIdPages}. */
export interface EpisodeIdPagesOptions {
  /** Ids given one by one (`--mpid`). */
  readonly mpids: readonly string[];
  /**
   * Lists more ids (the mediapackages seen in `--source-index-pattern`'s
   * action indexes); called once, before the first page.
   *
   * @default undefined (only `mpids`)
   */
  readonly listSourceIds?: () => Promise<readonly string[]>;
  /** Fetches one episode by id; `null` when there is none (the engage node). */
  readonly fetchEpisode: (id: string) => Promise<Episode | null>;
  /** Episodes per page. */
  readonly pageSize: number;
  /** Episode fetches in flight at once. */
  readonly concurrency: number;
  /** The `--wait` between two pages; rejects once the run is stopped. */
  readonly pause: () => Promise<void>;
  /** Where the ids with no episode are counted. */
  readonly summary: Pick<LoadEpisodesSummary, "notFound">;
}

/**
 * The episodes of the given ids, each id once, `pageSize` at a time. An id
 * Opencast has no episode for is counted, named in a warning and skipped.
 */
export async function* episodeIdPages(
  options: EpisodeIdPagesOptions,
): AsyncGenerator<readonly Episode[]> {
  const { fetchEpisode, pageSize, concurrency, pause, summary } = options;
  const ids = new Set(options.mpids.map((id) => id.trim()).filter((id) => id));
  if (options.listSourceIds) {
    const found = await options.listSourceIds();
    logger.debug("Found {count} episode ids in the source indexes", {
      count: found.length,
    });
    for (const id of found) ids.add(id);
  }
  const all = [...ids];
  for (let start = 0; start < all.length; start += pageSize) {
    if (start > 0) await pause();
    const chunk = all.slice(start, start + pageSize);
    const episodes = await mapConcurrent(chunk, concurrency, async (id) => {
      const episode = await fetchEpisode(id);
      if (episode === null) {
        summary.notFound += 1;
        logger.warn("No episode {mpid} in Opencast; skipping it", { mpid: id });
      }
      return episode;
    });
    yield episodes.filter((episode): episode is Episode => episode !== null);
  }
}
