/**
 * The behaviour every {@linkcode EpisodeCache} promises, run against each
 * implementation by `episode_cache_contract_test.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { EpisodeCache } from "../../src/cache/episode_cache.ts";

/** A cache under test and a way to let time pass for it. */
export interface CacheFixture extends AsyncDisposable {
  /** The cache under test. */
  readonly cache: EpisodeCache;
  /** Lets `ms` milliseconds pass for the cache (a fake clock or a real wait). */
  advance(ms: number): Promise<void>;
}

/** Registers the contract tests for one implementation. */
export function defineEpisodeCacheContract(
  name: string,
  open: () => Promise<CacheFixture>,
): void {
  Deno.test(`${name} returns only the keys that have a value`, async () => {
    await using fixture = await open();
    const { cache } = fixture;
    await cache.setMany([
      { key: "mp-1", value: '{"title":"One"}', ttlSeconds: 60 },
      { key: "mp-3", value: "", ttlSeconds: 60 },
    ]);
    const found = await cache.getMany(["mp-1", "mp-2", "mp-3"]);
    assert.deepEqual(
      found,
      new Map([["mp-1", '{"title":"One"}'], ["mp-3", ""]]),
    );
    assert.deepEqual(await cache.getMany([]), new Map());
  });

  Deno.test(`${name} replaces the value of a key set again`, async () => {
    await using fixture = await open();
    const { cache } = fixture;
    await cache.setMany([{ key: "mp-1", value: "old", ttlSeconds: 60 }]);
    await cache.setMany([{ key: "mp-1", value: "new", ttlSeconds: 60 }]);
    assert.deepEqual(await cache.getMany(["mp-1"]), new Map([["mp-1", "new"]]));
  });

  Deno.test(`${name} forgets a value once its time to live is over`, async () => {
    await using fixture = await open();
    const { cache } = fixture;
    await cache.setMany([
      { key: "short", value: "a", ttlSeconds: 1 },
      { key: "long", value: "b", ttlSeconds: 600 },
    ]);
    assert.deepEqual(
      await cache.getMany(["short", "long"]),
      new Map([["short", "a"], ["long", "b"]]),
    );
    await fixture.advance(1200);
    assert.deepEqual(
      await cache.getMany(["short", "long"]),
      new Map([["long", "b"]]),
    );
  });

  Deno.test(`${name} stores nothing for a time to live of zero`, async () => {
    await using fixture = await open();
    const { cache } = fixture;
    await cache.setMany([
      { key: "dead", value: "a", ttlSeconds: 0 },
      { key: "live", value: "b", ttlSeconds: 60 },
    ]);
    assert.deepEqual(
      await cache.getMany(["dead", "live"]),
      new Map([["live", "b"]]),
    );
  });

  Deno.test(`${name} stores and reads many entries in one call`, async () => {
    await using fixture = await open();
    const { cache } = fixture;
    const entries = Array.from({ length: 6000 }, (_, i) => ({
      key: `mp-${i}`,
      value: JSON.stringify({ id: `mp-${i}`, title: `Episode ${i} “ü”` }),
      ttlSeconds: 600,
    }));
    await cache.setMany(entries);
    const keys = [...entries.map((entry) => entry.key), "missing"];
    const found = await cache.getMany(keys);
    assert.equal(found.size, entries.length);
    for (const entry of entries) {
      assert.equal(found.get(entry.key), entry.value);
    }
  });

  Deno.test(`${name} describes itself`, async () => {
    await using fixture = await open();
    assert.ok(fixture.cache.description.length > 0);
  });
}
