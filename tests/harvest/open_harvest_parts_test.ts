import assert from "node:assert/strict";
import {
  openEpisodeCache,
  openSink,
} from "../../src/harvest/open_harvest_parts.ts";
import { existsSync } from "node:fs";
import type { HarvestSettings } from "../../src/harvest/harvest_settings.ts";
import { withTempDir } from "../support/temp_dir.ts";

function withCache(cache: HarvestSettings["cache"]): HarvestSettings {
  return { cache } as HarvestSettings;
}

Deno.test("openEpisodeCache() goes on without a cache when the embedded file cannot be opened", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/not-a-dir`, "");
    await using cache = await openEpisodeCache(
      withCache({ kind: "sqlite", path: `${dir}/not-a-dir/episodes.sqlite` }),
      null,
    );
    await cache.setMany([{ key: "mp", value: "{}", ttlSeconds: 60 }]);
    assert.equal((await cache.getMany(["mp"])).size, 0, "nothing is cached");
  });
});

Deno.test("openEpisodeCache() uses no cache when Redis is configured but unreachable", async () => {
  await using cache = await openEpisodeCache(
    withCache({ kind: "redis", url: "redis://127.0.0.1:1" }),
    null,
  );
  await cache.setMany([{ key: "mp", value: "{}", ttlSeconds: 60 }]);
  assert.equal((await cache.getMany(["mp"])).size, 0);
});

Deno.test("openEpisodeCache() opens the embedded file cache by default", async () => {
  await withTempDir(async (dir) => {
    {
      await using cache = await openEpisodeCache(
        withCache({ kind: "sqlite", path: `${dir}/episodes.sqlite` }),
        null,
      );
      await cache.setMany([{ key: "mp", value: "{}", ttlSeconds: 60 }]);
    }
    await using again = await openEpisodeCache(
      withCache({ kind: "sqlite", path: `${dir}/episodes.sqlite` }),
      null,
    );
    assert.equal(
      (await again.getMany(["mp"])).get("mp"),
      "{}",
      "it survives between runs",
    );
  });
});

Deno.test("openSink() for a dry run opens no output, only a sink that reports what it would send", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/out.jsonl`;
    await using sink = await openSink({
      dryRun: true,
      output: { kind: "file", path },
      updateCheckpoint: "auto",
      start: undefined,
    } as unknown as HarvestSettings);
    assert.equal(sink.description, `dry run (would send to file:${path})`);
    assert.equal(typeof sink.report, "function");
    assert.equal(sink.resume, undefined, "nothing to take back");
    await sink.deliver([]);
    assert.equal(existsSync(path), false, "no file created");
  });
});
