import type { EpisodeLookup } from "./episode_lookup.ts";

/**
 * The episode lookup of a harvest with no engage node to ask (a Matomo
 * source without Opencast settings): every episode is unknown, so every
 * record carries `"episode": {}`; nothing is requested, cached or warned
 * about per episode (the run warns once that there is no engage node).
 *
 * @example Usage
 * ```ts
 * const lookup = createNoEpisodeLookup();
 * (await lookup.lookup(["a"])).get("a"); // null
 * ```
 */
export function createNoEpisodeLookup(): EpisodeLookup {
  return {
    lookup: (ids) =>
      Promise.resolve(new Map([...ids].map((id) => [id, null] as const))),
    stats: { cacheHits: 0, fetched: 0, missing: 0 },
    // Known at once, so a page goes out whole without waiting.
    peek: () => null,
    pending: () => undefined,
    abandon: () => Promise.resolve(),
  };
}
