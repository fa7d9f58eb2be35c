/**
 * The episode cache in Redis, for nodes that already run one (the original
 * tool's only cache). One MGET reads a page's episodes, one pipeline of
 * `SET … PX` writes them.
 *
 * @module
 */

import type { CacheEntry, EpisodeCache } from "./episode_cache.ts";
import { ApiContractError, UnreachableError } from "../errors.ts";
import { connectRedis } from "../redis/connect_redis.ts";
import type { RedisClient } from "../redis/redis_client.ts";

/** Where the Redis episode cache lives. */
export interface RedisEpisodeCacheOptions {
  /**
   * A `redis://[user:password@]host[:port][/db]` URL; wins over `host`/`port`.
   * Ignored when `client` is given.
   */
  readonly url?: string;
  /**
   * The Redis host, when there is no `url`.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * The Redis port, when there is no `url`.
   * @default `DEFAULT_REDIS_PORT` (src/config/defaults.ts)
   */
  readonly port?: number;
  /**
   * Prefixed to every episode key, so the cache can share a Redis database.
   * @default "ua-harvest:episode:"
   */
  readonly keyPrefix?: string;
  /**
   * How long to wait for Redis before giving up on it.
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
  /**
   * An already connected client (for instance shared with the run lock). The
   * cache does not close a client it was given.
   * @default a new connection from `url` or `host`/`port`
   */
  readonly client?: RedisClient;
}

/**
 * Connects to Redis and returns an episode cache stored there.
 *
 * Throws {@linkcode UnreachableError} within about `connectTimeoutMs` when
 * Redis does not answer; the harvest then carries on with
 * `createNullEpisodeCache()`. Throws `AuthenticationError` when Redis refuses
 * the password (a setting to fix, not an outage). Commands that fail later
 * (Redis went away mid-run) reject with `UnreachableError` once the
 * client's reconnection attempt under way fails (within about a second).
 *
 * @example
 * ```ts
 * await using cache = await createRedisEpisodeCache({ url: "redis://127.0.0.1:6379" });
 * await cache.setMany([{ key: "mp-1", value: "{}", ttlSeconds: 1800 }]);
 * const hits = await cache.getMany(["mp-1", "mp-2"]); // Map { "mp-1" => "{}" }
 * ```
 */
export async function createRedisEpisodeCache(
  options: RedisEpisodeCacheOptions = {},
): Promise<EpisodeCache> {
  const keyPrefix = options.keyPrefix ?? "ua-harvest:episode:";
  if (options.client !== undefined) {
    return new RedisEpisodeCache(options.client, keyPrefix, false);
  }
  const client = await connectRedis(options);
  return new RedisEpisodeCache(client, keyPrefix, true);
}

class RedisEpisodeCache implements EpisodeCache {
  readonly description: string;
  #client: RedisClient;
  #keyPrefix: string;
  #owned: boolean;
  #server: string;

  constructor(client: RedisClient, keyPrefix: string, owned: boolean) {
    this.#client = client;
    const server = client.description;
    this.#server = server;
    this.#keyPrefix = keyPrefix;
    this.#owned = owned;
    this.description = `${server} (keys ${keyPrefix}*)`;
  }

  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keys.length === 0) return found;
    const values = await this.#run(
      "read from",
      () =>
        this.#client.send([
          "MGET",
          ...keys.map((key) => this.#keyPrefix + key),
        ]),
    );
    if (!Array.isArray(values) || values.length !== keys.length) {
      throw new ApiContractError(
        `Could not read from the Redis episode cache at ${this.#server} (MGET of ${keys.length} keys answered ${
          Array.isArray(values) ? `${values.length} values` : typeof values
        })`,
      );
    }
    keys.forEach((key, i) => {
      const value = values[i];
      if (typeof value === "string") found.set(key, value);
    });
    return found;
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    // An entry with no time to live would be expired at birth; Redis would
    // also reject `PX 0`.
    const live = entries.filter((entry) => entry.ttlSeconds > 0);
    if (live.length === 0) return;
    // Sent in one tick, so they go out pipelined in one write.
    const results = await Promise.allSettled(
      live.map((entry) =>
        this.#client.send([
          "SET",
          this.#keyPrefix + entry.key,
          entry.value,
          "PX",
          Math.max(1, Math.round(entry.ttlSeconds * 1000)),
        ])
      ),
    );
    const failed = results.find((result) => result.status === "rejected");
    if (failed !== undefined) {
      throw new UnreachableError(
        `Could not write to the Redis episode cache at ${this.#server} (${
          (failed.reason as Error).message
        })`,
        { cause: failed.reason },
      );
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#owned) return;
    await this.#client.quit();
  }

  async #run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new UnreachableError(
        `Could not ${what} the Redis episode cache at ${this.#server} (${
          (error as Error).message
        })`,
        { cause: error },
      );
    }
  }
}
