import {
  DEFAULT_EPISODE_CONCURRENCY,
  DEFAULT_EPISODE_TTL_SECONDS,
  DEFAULT_MISSING_EPISODE_TTL_SECONDS,
} from "../config/defaults.ts";
import type { EpisodeCache } from "../cache/episode_cache.ts";
import type { Episode } from "../opencast/types.ts";
import { getLogger } from "@logtape/logtape";
import pLimit from "p-limit";
import { LockedError } from "../errors.ts";
import { createAdaptiveConcurrency } from "../util/adaptive_concurrency.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** Options for {@linkcode createEpisodeLookup}. */
export interface EpisodeLookupOptions {
  /** The shared cache (Redis, the embedded file, or none). */
  readonly cache: EpisodeCache;
  /** Asks the engage node for one episode; `null` when it has none. */
  readonly fetchEpisode: (mediapackageId: string) => Promise<Episode | null>;
  /**
   * The most engage requests in flight at once, across all lookups of the
   * run. The lookup starts with 4 (or this, when lower) and adapts: more while
   * the engage node answers as fast as usual, half as many when it slows
   * down or fails.
   * @default {@linkcode DEFAULT_EPISODE_CONCURRENCY}
   */
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
  /**
   * The episode of an id whose lookup ended: the episode, or `null` for none;
   * `undefined` while its lookup runs, after it failed, or before anyone asked.
   */
  peek(mediapackageId: string): Episode | null | undefined;
  /**
   * The lookup of an id now in flight, to wait for (it may reject);
   * `undefined` when none runs.
   */
  pending(mediapackageId: string): Promise<Episode | null> | undefined;
  /**
   * Drops the lookups whose requests have not started yet (their pages are
   * not going to be delivered: the window stopped or failed) and resolves
   * once the requests already running have settled. Lookups asked for later
   * still work.
   */
  abandon(): Promise<void>;
}

const MISSING = '{"missing":true}';

/**
 * Names the episode in a fetch error: "did not answer /search/episode.json"
 * alone does not tell an operator which one to look at.
 */
function named(error: unknown, id: string): unknown {
  // A lost lock cuts every request short with one shared error: it is about
  // the run, not this episode, and is reported elsewhere as it is.
  if (error instanceof LockedError) return error;
  if (error instanceof Error) error.message = `Episode ${id}: ${error.message}`;
  return error;
}

/**
 * Creates the episode lookup of a harvest run: the page's distinct ids are
 * read from the cache in one round trip, only the misses are fetched and
 * written back in one round trip. Lookups of several pages may run at once
 * (pages are enriched ahead of delivery): they share one limit of engage
 * requests in flight, and an episode already being looked up for one page is
 * awaited, not asked again, by the next. Answers are kept for the rest of the
 * run, so even without a working cache the engage node is asked once per
 * episode, never once per action. A failed fetch rejects the lookup, and with
 * it the page; no further episode requests start after it.
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
  // Answers, and the lookups still in flight, by mediapackage id.
  const known = new Map<string, Episode | null>();
  const inFlight = new Map<string, Promise<Episode | null>>();
  // The answer of each id in flight alone: the first id's entry above also
  // waits for its lookup's cache write.
  const answering = new Map<string, Promise<Episode | null>>();
  const stats: EpisodeLookupStats = { cacheHits: 0, fetched: 0, missing: 0 };
  const adaptive = createAdaptiveConcurrency({
    max: Math.max(1, concurrency),
  });
  const limit = pLimit({ concurrency: adaptive.limit, rejectOnClear: true });
  let cacheBroken = false;
  let toldUnreadable = false;
  let failure: unknown;
  // Engage requests running now: a failed lookup settles only after them, so
  // nothing is left running behind the caller's back (the run ends, and
  // closes its clients, right after a failed page).
  const running = new Set<Promise<unknown>>();
  // Counts abandon() calls: a lookup started before one must not queue its
  // misses once its cache read answers (clearQueue cannot drop them yet).
  let abandons = 0;

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

  // A cache entry that is not an episode (cut short, written by something
  // else under the same key) is a miss: fetched again and overwritten, not a
  // crash of every run until it expires.
  function readable(
    hits: ReadonlyMap<string, string>,
  ): Map<string, Episode | null> {
    const episodes = new Map<string, Episode | null>();
    const unreadable: string[] = [];
    for (const [id, text] of hits) {
      if (text === MISSING) {
        episodes.set(id, null);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // Counted below.
      }
      if (
        typeof value === "object" && value !== null && !Array.isArray(value)
      ) {
        episodes.set(id, value as Episode);
      } else {
        unreadable.push(id);
      }
    }
    if (unreadable.length > 0 && !toldUnreadable) {
      toldUnreadable = true;
      logger.warn(
        "Episode cache {cache} holds entries that are not episodes ({count} in this page, e.g. {mpid}): fetching them again and overwriting them",
        {
          cache: cache.description,
          count: unreadable.length,
          mpid: unreadable[0],
        },
      );
    }
    return episodes;
  }

  async function fetchOne(id: string): Promise<Episode | null> {
    const episode = await limit(async () => {
      if (failure !== undefined) throw failure;
      stats.fetched++;
      const started = performance.now();
      let failed = true;
      try {
        const request = fetchEpisode(id);
        running.add(request);
        request.then(
          () => running.delete(request),
          () => running.delete(request),
        );
        const episode = await request;
        failed = false;
        return episode;
      } catch (error) {
        // Before this request's slot is given to the next one.
        failure ??= named(error, id);
        limit.clearQueue();
        throw failure;
      } finally {
        adaptive.observe(performance.now() - started, {
          failed,
          queued: limit.pendingCount > 0,
        });
        limit.concurrency = adaptive.limit;
      }
    }).catch((error) => {
      // A request dropped from the queue fails with the first failure.
      throw failure ?? error;
    });
    if (episode === null) {
      stats.missing++;
      logger.warn(
        "No episode found for mediapackage {mpid}: its actions are sent with an empty episode",
        { mpid: id },
      );
    }
    return episode;
  }

  // Looks up ids nobody asked for yet: one cache read, the misses fetched,
  // then one cache write of what was fetched.
  function start(ids: readonly string[]): void {
    const epoch = abandons;
    const cached = tryCache(
      () => cache.getMany(ids),
      new Map<string, string>(),
    ).then(readable);
    const answers = ids.map((id) => {
      const answer = cached.then((hits) => {
        if (!hits.has(id)) {
          if (epoch !== abandons) throw AbortSignal.abort().reason;
          return fetchOne(id);
        }
        stats.cacheHits++;
        return hits.get(id)!;
      }).then((episode) => {
        known.set(id, episode);
        inFlight.delete(id);
        answering.delete(id);
        return episode;
      }, (error) => {
        // Asked again by a later lookup, unless the run failed on it.
        inFlight.delete(id);
        answering.delete(id);
        throw error;
      });
      inFlight.set(id, answer);
      answering.set(id, answer);
      return answer;
    });
    // What was fetched goes to the cache, also when another fetch of these
    // ids failed: the next run need not ask for it again.
    const written = Promise.all([cached, Promise.allSettled(answers)]).then(
      ([hits, settled]) => {
        const entries = ids.flatMap((id, index) => {
          const answer = settled[index]!;
          if (hits.has(id) || answer.status === "rejected") return [];
          return [
            answer.value === null
              ? { key: id, value: MISSING, ttlSeconds: missingTtlSeconds }
              : { key: id, value: JSON.stringify(answer.value), ttlSeconds },
          ];
        });
        if (entries.length > 0) {
          return tryCache(() => cache.setMany(entries), undefined);
        }
      },
    );
    // Waited for like a request: a failed lookup leaves nothing running.
    running.add(written);
    written.finally(() => running.delete(written));
    // The first id's answer also waits for the write, so a lookup returns
    // only once what it fetched is in the shared cache.
    inFlight.set(ids[0]!, written.then(() => answers[0]!));
  }

  return {
    stats,
    peek: (id) => known.get(id),
    pending: (id) => answering.get(id),
    async abandon() {
      abandons++;
      limit.clearQueue();
      await Promise.allSettled(running);
    },
    async lookup(mediapackageIds) {
      if (failure !== undefined) throw failure;
      const wanted = [...new Set(mediapackageIds)];
      const unknown = wanted.filter((id) =>
        !known.has(id) && !inFlight.has(id)
      );
      if (unknown.length > 0) start(unknown);
      const waiting = wanted.flatMap((id) => {
        const answer = inFlight.get(id);
        return answer === undefined ? [] : [answer];
      });
      if (waiting.length > 0) {
        try {
          await Promise.all(waiting);
        } catch (error) {
          // No new request starts after a failure: wait for those running.
          await Promise.allSettled(running);
          throw failure ?? error;
        }
      }
      return new Map(wanted.map((id) => [id, known.get(id) ?? null]));
    },
  };
}
