import assert from "node:assert/strict";
import type {
  CacheEntry,
  EpisodeCache,
} from "../../src/cache/episode_cache.ts";
import { createEpisodeLookup } from "../../src/harvest/episode_lookup.ts";
import { LockedError } from "../../src/errors.ts";
import type { Episode } from "../../src/opencast/types.ts";
import { countInFlight } from "../support/in_flight.ts";

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

/** A fetch of episodes that takes a little time and counts what it is asked. */
function countingFetch() {
  const requested: string[] = [];
  const inFlight = countInFlight();
  return {
    requested,
    /** The most fetches that were in flight at once. */
    most: () => inFlight.most,
    async fetchEpisode(id: string) {
      requested.push(id);
      await inFlight.count(() => new Promise((r) => setTimeout(r, 5)));
      return episode(id);
    },
  };
}

Deno.test("createEpisodeLookup() keeps at most `concurrency` fetches in flight", async () => {
  const { cache } = memoryCache();
  const fetching = countingFetch();
  const lookup = createEpisodeLookup({
    cache,
    concurrency: 3,
    fetchEpisode: fetching.fetchEpisode,
  });
  await lookup.lookup(Array.from({ length: 20 }, (_, i) => `mp-${i}`));
  assert.equal(fetching.most(), 3);
});

Deno.test("createEpisodeLookup() shares one request limit and one request per episode across lookups in flight", async () => {
  const { cache } = memoryCache();
  const fetching = countingFetch();
  const { requested } = fetching;
  const lookup = createEpisodeLookup({
    cache,
    concurrency: 4,
    fetchEpisode: fetching.fetchEpisode,
  });
  // Two pages enriched at once, overlapping in half their episodes.
  const ids = (from: number) =>
    Array.from({ length: 12 }, (_, i) => `mp-${from + i}`);
  const [first, second] = await Promise.all([
    lookup.lookup(ids(0)),
    lookup.lookup(ids(6)),
  ]);
  assert.equal(fetching.most(), 4, "the limit holds across both lookups");
  assert.deepEqual(
    requested.toSorted(),
    ids(0).concat(ids(12).slice(0, 6)).toSorted(),
    "each episode asked once",
  );
  assert.equal(first.get("mp-7")?.title, "Title mp-7");
  assert.equal(second.get("mp-7")?.title, "Title mp-7");
  assert.equal(lookup.stats.fetched, 18);
});

Deno.test("createEpisodeLookup() starts no request after one fails, and names the episode", async () => {
  const { cache } = memoryCache();
  const requested: string[] = [];
  const lookup = createEpisodeLookup({
    cache,
    concurrency: 1,
    fetchEpisode: (id) => {
      requested.push(id);
      return id === "bad"
        ? Promise.reject(new Error("engage down"))
        : Promise.resolve(episode(id));
    },
  });
  const failing = lookup.lookup(["bad", "a", "b"]);
  const next = lookup.lookup(["c", "d"]);
  await assert.rejects(failing, /Episode bad: engage down/);
  await assert.rejects(next, /Episode bad: engage down/);
  assert.deepEqual(requested, ["bad"]);
  await assert.rejects(() => lookup.lookup(["e"]), /Episode bad/);
});

/** Looks up `count` episodes from a server whose answer takes `delayMs(inFlight)`; the most in flight. */
async function mostInFlight(
  count: number,
  delayMs: (inFlight: number) => number,
): Promise<number> {
  const inFlight = countInFlight();
  const lookup = createEpisodeLookup({
    cache: memoryCache().cache,
    concurrency: 64,
    fetchEpisode: async (id) => {
      await inFlight.count(() =>
        new Promise((r) => setTimeout(r, delayMs(inFlight.now)))
      );
      return episode(id);
    },
  });
  await lookup.lookup(Array.from({ length: count }, (_, i) => `mp-${i}`));
  return inFlight.most;
}

Deno.test("createEpisodeLookup() raises the requests in flight while the engage node answers as fast, and not when it slows down", async () => {
  const steady = await mostInFlight(400, () => 20);
  assert.ok(steady >= 32, `a steady node gets up to ${steady} at once`);
  // Each request in flight makes every answer slower: a saturated node.
  const loaded = await mostInFlight(400, (n) => 2 * n);
  assert.ok(loaded <= 16, `a node that slows down gets at most ${loaded}`);
});

Deno.test("createEpisodeLookup() rejects only once the requests already in flight have settled", async () => {
  const { cache } = memoryCache();
  const inFlight = countInFlight();
  const lookup = createEpisodeLookup({
    cache,
    concurrency: 4,
    fetchEpisode: (id) =>
      inFlight.count(async () => {
        if (id === "bad") throw new Error("engage down");
        await new Promise((r) => setTimeout(r, 30));
        return episode(id);
      }),
  });
  await assert.rejects(
    lookup.lookup(["slow-1", "bad", "slow-2"]),
    /Episode bad: engage down/,
  );
  // Nothing left running behind the harvest's back once its page failed:
  // the run ends (and closes its clients) right after this.
  assert.equal(inFlight.now, 0, "engage requests still in flight");
});

Deno.test("createEpisodeLookup() passes a lost lock's shared error on as it is, not as this episode's", async () => {
  const lost = new LockedError("Lost the run lock: stopping");
  const lookup = createEpisodeLookup({
    cache: memoryCache().cache,
    fetchEpisode: () => Promise.reject(lost),
  });
  await assert.rejects(lookup.lookup(["a"]), (error) => error === lost);
  assert.equal(lost.message, "Lost the run lock: stopping");
});

Deno.test("createEpisodeLookup() caches what it fetched even when another episode of the page failed", async () => {
  const { cache, values } = memoryCache();
  const lookup = createEpisodeLookup({
    cache,
    concurrency: 4,
    fetchEpisode: async (id) => {
      if (id === "bad") {
        await new Promise((r) => setTimeout(r, 10));
        throw new Error("engage down");
      }
      return episode(id);
    },
  });
  await assert.rejects(lookup.lookup(["a", "bad", "b"]), /Episode bad/);
  assert.deepEqual([...values.keys()].sort(), ["a", "b"]);
});

Deno.test("createEpisodeLookup() abandon() drops a lookup whose cache read is still in flight: its misses are never fetched", async () => {
  let answerCache = () => {};
  const cache: EpisodeCache = {
    description: "slow",
    getMany() {
      // Answers (all misses) only when the test says so.
      return new Promise((resolve) => answerCache = () => resolve(new Map()));
    },
    setMany: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  const fetched: string[] = [];
  const lookup = createEpisodeLookup({
    cache,
    fetchEpisode: (id) => {
      fetched.push(id);
      return Promise.resolve(null);
    },
  });
  // A page prepared ahead; the window stops before it is delivered.
  const page = lookup.lookup(["a", "b"]);
  page.catch(() => {});
  const abandoned = lookup.abandon();
  answerCache();
  await abandoned;
  await assert.rejects(page);
  assert.deepEqual(fetched, [], "no request for a dropped page");
  // Lookups asked for later still work.
  const later = lookup.lookup(["a"]);
  answerCache();
  assert.deepEqual([...(await later).entries()], [["a", null]]);
  assert.deepEqual(fetched, ["a"]);
});

Deno.test("createEpisodeLookup() fetches again, and overwrites, cache entries that are not episodes (a truncated or foreign value)", async () => {
  const { cache, values } = memoryCache();
  values.set("cut", '{"title": "Lecture 4: Entro');
  values.set("number", "42");
  values.set("list", "[]");
  values.set("ok", JSON.stringify(episode("ok")));
  const fetched: string[] = [];
  const lookup = createEpisodeLookup({
    cache,
    fetchEpisode: (id) => {
      fetched.push(id);
      return Promise.resolve(episode(id));
    },
  });
  const found = await lookup.lookup(["cut", "number", "list", "ok"]);
  assert.deepEqual(fetched.sort(), ["cut", "list", "number"]);
  for (const id of ["cut", "number", "list", "ok"]) {
    assert.equal(found.get(id)?.title, `Title ${id}`);
  }
  assert.deepEqual(lookup.stats, { cacheHits: 1, fetched: 3, missing: 0 });
  assert.deepEqual(JSON.parse(values.get("cut")!), episode("cut"));
  assert.deepEqual(JSON.parse(values.get("number")!), episode("number"));
});
