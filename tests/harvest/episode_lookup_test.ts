import assert from "node:assert/strict";
import type {
  CacheEntry,
  EpisodeCache,
} from "../../src/cache/episode_cache.ts";
import { createEpisodeLookup } from "../../src/harvest/episode_lookup.ts";
import type { Episode } from "../../src/opencast/types.ts";

function memoryCache(broken = false) {
  const values = new Map<string, string>();
  const calls = { getMany: 0, setMany: 0, lastTtls: [] as number[] };
  const cache: EpisodeCache = {
    description: "memory",
    getMany(keys) {
      calls.getMany++;
      if (broken) return Promise.reject(new Error("connection lost"));
      return Promise.resolve(
        new Map(
          keys.filter((k) => values.has(k)).map((k) => [k, values.get(k)!]),
        ),
      );
    },
    setMany(entries: readonly CacheEntry[]) {
      calls.setMany++;
      if (broken) return Promise.reject(new Error("connection lost"));
      calls.lastTtls = entries.map((e) => e.ttlSeconds);
      for (const e of entries) values.set(e.key, e.value);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return { cache, calls, values };
}

const episode = (id: string): Episode => ({
  id,
  title: `Title ${id}`,
  attachments: [],
});

Deno.test("createEpisodeLookup() fetches only cache misses, once each, and caches 'missing' with its own TTL", async () => {
  const { cache, calls } = memoryCache();
  const fetched: string[] = [];
  const lookup = createEpisodeLookup({
    cache,
    fetchEpisode: (id) => {
      fetched.push(id);
      return Promise.resolve(id === "gone" ? null : episode(id));
    },
    ttlSeconds: 1800,
    missingTtlSeconds: 60,
  });
  const first = await lookup.lookup(["a", "b", "a", "gone"]);
  assert.deepEqual(fetched.sort(), ["a", "b", "gone"]);
  assert.equal(first.get("a")?.title, "Title a");
  assert.equal(first.get("gone"), null);
  assert.deepEqual(calls.lastTtls.sort((x, y) => x - y), [60, 1800, 1800]);
  assert.equal(calls.getMany, 1, "one cache round trip for the page");

  // A second lookup in another run finds everything in the shared cache.
  const again = createEpisodeLookup({
    cache,
    fetchEpisode: () => Promise.reject(new Error("must not be called")),
  });
  const second = await again.lookup(["a", "b", "gone"]);
  assert.equal(second.get("b")?.title, "Title b");
  assert.equal(second.get("gone"), null);
  assert.deepEqual(again.stats, { cacheHits: 3, fetched: 0, missing: 0 });
});

Deno.test("createEpisodeLookup() keeps going without a cache that fails, still asking once per episode", async () => {
  const { cache } = memoryCache(true);
  let requests = 0;
  const lookup = createEpisodeLookup({
    cache,
    fetchEpisode: (id) => {
      requests++;
      return Promise.resolve(episode(id));
    },
  });
  await lookup.lookup(["a", "b"]);
  await lookup.lookup(["a", "b", "c"]);
  assert.equal(requests, 3);
});

Deno.test("createEpisodeLookup() rejects when an episode cannot be fetched", async () => {
  const { cache } = memoryCache();
  const lookup = createEpisodeLookup({
    cache,
    fetchEpisode: () => Promise.reject(new Error("engage down")),
  });
  await assert.rejects(() => lookup.lookup(["a"]), /engage down/);
});

Deno.test("createEpisodeLookup() keeps at most `concurrency` fetches in flight", async () => {
  const { cache } = memoryCache();
  let inFlight = 0;
  let most = 0;
  const lookup = createEpisodeLookup({
    cache,
    concurrency: 3,
    fetchEpisode: async (id) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return episode(id);
    },
  });
  await lookup.lookup(Array.from({ length: 20 }, (_, i) => `mp-${i}`));
  assert.equal(most, 3);
});
