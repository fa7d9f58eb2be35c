import { openSqliteEpisodeCache } from "../../src/cache/sqlite_episode_cache.ts";
import { createRedisEpisodeCache } from "../../src/cache/redis_episode_cache.ts";
import { defineEpisodeCacheContract } from "./_episode_cache_contract.ts";
import { startRedisServer } from "../support/redis_server.ts";

defineEpisodeCacheContract("openSqliteEpisodeCache()", async () => {
  const dir = await Deno.makeTempDir();
  let now = Date.UTC(2024, 4, 1);
  const cache = openSqliteEpisodeCache({
    path: `${dir}/episodes.sqlite`,
    now: () => now,
  });
  return {
    cache,
    advance(ms: number) {
      now += ms;
      return Promise.resolve();
    },
    async [Symbol.asyncDispose]() {
      await cache[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

defineEpisodeCacheContract("createRedisEpisodeCache()", async () => {
  const redis = await startRedisServer();
  const cache = await createRedisEpisodeCache({ url: redis.url });
  return {
    cache,
    // Redis keeps real time: wait it out.
    advance: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    async [Symbol.asyncDispose]() {
      await cache[Symbol.asyncDispose]();
      await redis.stop();
    },
  };
});
