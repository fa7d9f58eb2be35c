import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { defaultCacheDir } from "../../src/cache/default_cache_dir.ts";

Deno.test("defaultCacheDir() prefers XDG_CACHE_HOME", () => {
  assert.equal(
    defaultCacheDir({ XDG_CACHE_HOME: "/var/cache/", HOME: "/home/ops" }),
    "/var/cache/ua-harvest",
  );
});

Deno.test("defaultCacheDir() falls back to ~/.cache", () => {
  assert.equal(
    defaultCacheDir({ HOME: "/home/ops" }),
    "/home/ops/.cache/ua-harvest",
  );
});

Deno.test("defaultCacheDir() ignores a relative XDG_CACHE_HOME", () => {
  assert.equal(
    defaultCacheDir({ XDG_CACHE_HOME: "cache", HOME: "/home/ops" }),
    "/home/ops/.cache/ua-harvest",
  );
});

Deno.test("defaultCacheDir() asks for a setting without HOME", () => {
  assert.throws(() => defaultCacheDir({}), ConfigError);
  assert.throws(() => defaultCacheDir({ HOME: "" }), ConfigError);
});
