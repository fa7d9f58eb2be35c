/**
 * The cache used when there is none: the harvest carries on, fetching every
 * episode from Opencast (for instance because Redis is down).
 *
 * @module
 */

import type { CacheEntry, EpisodeCache } from "./episode_cache.ts";

/**
 * Returns an episode cache that stores nothing and finds nothing.
 *
 * @example
 * ```ts
 * const cache = createNullEpisodeCache();
 * await cache.getMany(["mp-1"]); // Map {}
 * ```
 */
export function createNullEpisodeCache(): EpisodeCache {
  return {
    description: "no episode cache",
    getMany(_keys: readonly string[]): Promise<Map<string, string>> {
      return Promise.resolve(new Map());
    },
    setMany(_entries: readonly CacheEntry[]): Promise<void> {
      return Promise.resolve();
    },
    [Symbol.asyncDispose](): Promise<void> {
      return Promise.resolve();
    },
  };
}
