import assert from "node:assert/strict";
import { checkRedisUrl } from "../../src/config/check_redis_url.ts";
import { ConfigError } from "../../src/errors.ts";
import { parseRedisUrl } from "../../src/redis/parse_redis_url.ts";

Deno.test("checkRedisUrl() reads the database path as the client does, not %-decoded", () => {
  assert.throws(
    () => checkRedisUrl("redis://cache.example.edu/%31"),
    (error: unknown) =>
      error instanceof ConfigError &&
      /names database "%31"/.test(error.message),
  );
  // What the settings accept, the client connects with.
  const url = "redis://cache.example.edu:6380/1";
  assert.equal(checkRedisUrl(url), url);
  assert.equal(parseRedisUrl(url).db, 1);
});
