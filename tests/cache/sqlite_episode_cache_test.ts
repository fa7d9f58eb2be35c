import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openSqliteEpisodeCache } from "../../src/cache/sqlite_episode_cache.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("openSqliteEpisodeCache() creates its directories and keeps values between runs", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/nested/deeper/episodes.sqlite`;
    {
      await using cache = openSqliteEpisodeCache({ path });
      await cache.setMany([{ key: "mp-1", value: "x", ttlSeconds: 60 }]);
      assert.equal(cache.description, `sqlite:${path}`);
    }
    await using reopened = openSqliteEpisodeCache({ path });
    assert.deepEqual(
      await reopened.getMany(["mp-1"]),
      new Map([["mp-1", "x"]]),
    );
  });
});

Deno.test("openSqliteEpisodeCache() deletes expired rows when opened", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/episodes.sqlite`;
    let now = 1_000_000;
    {
      await using cache = openSqliteEpisodeCache({ path, now: () => now });
      await cache.setMany([
        { key: "old", value: "a", ttlSeconds: 1 },
        { key: "new", value: "b", ttlSeconds: 600 },
      ]);
    }
    now += 5_000;
    {
      await using _cache = openSqliteEpisodeCache({ path, now: () => now });
    }
    const db = new DatabaseSync(path);
    try {
      const rows = db.prepare("SELECT key FROM episode_cache ORDER BY key")
        .all();
      assert.deepEqual(rows.map((row) => row.key), ["new"]);
    } finally {
      db.close();
    }
  });
});

Deno.test("openSqliteEpisodeCache() is shared by two open handles on one file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/episodes.sqlite`;
    await using first = openSqliteEpisodeCache({ path });
    await using second = openSqliteEpisodeCache({ path });
    await first.setMany([{ key: "mp-1", value: "x", ttlSeconds: 60 }]);
    assert.deepEqual(await second.getMany(["mp-1"]), new Map([["mp-1", "x"]]));
  });
});

Deno.test("openSqliteEpisodeCache() keeps keys that look like SQL or JSON apart", async () => {
  await using cache = openSqliteEpisodeCache({ path: ":memory:" });
  const keys = ['a"b', "c'd", "[1]", "ü-ü", "x,y"];
  await cache.setMany(
    keys.map((key) => ({ key, value: `v:${key}`, ttlSeconds: 60 })),
  );
  const found = await cache.getMany(keys);
  assert.deepEqual(found, new Map(keys.map((key) => [key, `v:${key}`])));
});
