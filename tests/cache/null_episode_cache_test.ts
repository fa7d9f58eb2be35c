import assert from "node:assert/strict";
import { createNullEpisodeCache } from "../../src/cache/null_episode_cache.ts";

Deno.test("createNullEpisodeCache() finds nothing it was given", async () => {
  await using cache = createNullEpisodeCache();
  await cache.setMany([{ key: "mp-1", value: "x", ttlSeconds: 60 }]);
  assert.deepEqual(await cache.getMany(["mp-1"]), new Map());
  assert.equal(cache.description, "no episode cache");
});
