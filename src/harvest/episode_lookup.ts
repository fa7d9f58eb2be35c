import {
  DEFAULT_EPISODE_CONCURRENCY,
  DEFAULT_EPISODE_TTL_SECONDS,
  DEFAULT_MISSING_EPISODE_TTL_SECONDS,
} from "../config/defaults.ts";
import type { EpisodeCache } from "../cache/episode_cache.ts";
import type { Episode } from "../opencast/types.ts";
import { getLogger } from "@logtape/logtape";
import { mapConcurrent } from "../util/map_concurrent.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** Options for {@linkcode createEpisodeLookup}. */
export interface EpisodeLookupOptions {
  /** The shared cache (Redis, the embedded file, or none). */
  readonly cache: EpisodeCache;
  /** Asks the engage node for one episode; `null` when it has none. */
  readonly fetchEpisode: (mediapackageId: string) => Promise<Episode | null>;
  /** Engage requests in flight at once. @default {@linkcode DEFAULT_EPISODE_CONCURRENCY} */
  readonly concurrency?: number;
  /** Time to live of a found episode, seconds. @default {@linkcode DEFAULT_EPISODE_TTL_SECONDS} */
  readonly ttlSeconds?: number;
  /** Time to live of "no such episode", seconds (shorter: it may be published later). @default {@linkcode DEFAULT_MISSING_EPISODE_TTL_SECONDS} */
  readonly missingTtlSeconds?: number;
}

/** Counters of an {@linkcode EpisodeLookup}, for the run summary. */
export interface EpisodeLookupStats {
  /** Episodes found in the shared cache. */
  cacheHits: number;
  /** Episodes asked of the engage node. */
  fetched: number;
  /** Mediapackage ids the engage node has no episode for. */
  missing: number;
}

/** Finds the episodes of a page of actions. */
export interface EpisodeLookup {
  /** Returns the episode (or `null`) of every given mediapackage id. */
  lookup(
    mediapackageIds: Iterable<string>,
  ): Promise<Map<string, Episode | null>>;
  readonly stats: Readonly<EpisodeLookupStats>;
}

const MISSING = '{"missing":true}';

/**
 * Creates the episode lookup of a harvest run: the page's distinct ids are
 * read from the cache in one round trip, only the misses are fetched (several
 * at a time) and written back in one round trip. Answers are also kept for the
 * rest of the run, so even without a working cache the engage node is asked
 * once per episode, never once per action. A failed fetch rejects the lookup,
 * and with it the page.
 */
export function createEpisodeLookup(
  options: EpisodeLookupOptions,
): EpisodeLookup {
  const {
    cache,
    fetchEpisode,
    concurrency = DEFAULT_EPISODE_CONCURRENCY,
    ttlSeconds = DEFAULT_EPISODE_TTL_SECONDS,
    missingTtlSeconds = DEFAULT_MISSING_EPISODE_TTL_SECONDS,
  } = options;
  const known = new Map<string, Episode | null>();
  const stats: EpisodeLookupStats = { cacheHits: 0, fetched: 0, missing: 0 };
  let cacheBroken = false;

  // A cache that fails mid-run must not fail the harvest: go on without it.
  async function tryCache<T>(
    operation: () => Promise<T>,
    fallback: T,
  ): Promise<T> {
    if (cacheBroken) return fallback;
    try {
      return await operation();
    } catch (error) {
      cacheBroken = true;
      logger.warn(
        "Episode cache {cache} failed, continuing uncached: {reason}",
        {
          cache: cache.description,
          reason: (error as Error).message,
        },
      );
      return fallback;
    }
  }

  return {
    stats,
    async lookup(mediapackageIds) {
      const wanted = [...new Set(mediapackageIds)];
      const unknown = wanted.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        const cached = await tryCache(
          () => cache.getMany(unknown),
          new Map<string, string>(),
        );
        for (const [id, text] of cached) {
          known.set(id, text === MISSING ? null : JSON.parse(text) as Episode);
          stats.cacheHits++;
        }
        const misses = unknown.filter((id) => !cached.has(id));
        const fetched = await mapConcurrent(misses, concurrency, async (id) => {
          try {
            return await fetchEpisode(id);
          } catch (error) {
            // Name the episode: "did not answer /search/episode.json" alone
            // does not tell an operator which one to look at.
            if (error instanceof Error) {
              error.message = `Episode ${id}: ${error.message}`;
            }
            throw error;
          }
        });
        stats.fetched += misses.length;
        const entries = misses.map((id, index) => {
          const episode = fetched[index] ?? null;
          known.set(id, episode);
          if (episode === null) {
            stats.missing++;
            logger.warn(
              "No episode found for mediapackage {mpid}: its actions are sent with an empty episode",
              { mpid: id },
            );
          }
          return episode === null
            ? { key: id, value: MISSING, ttlSeconds: missingTtlSeconds }
            : { key: id, value: JSON.stringify(episode), ttlSeconds };
        });
        if (entries.length > 0) {
          await tryCache(() => cache.setMany(entries), undefined);
        }
      }
      return new Map(wanted.map((id) => [id, known.get(id) ?? null]));
    },
  };
}
