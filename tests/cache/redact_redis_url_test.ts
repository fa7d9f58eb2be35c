import assert from "node:assert/strict";
import { redactRedisUrl } from "../../src/cache/redact_redis_url.ts";

Deno.test("redactRedisUrl() hides a password-only userinfo", () => {
  assert.equal(
    redactRedisUrl("redis://:s3cret@cache:6379/0"),
    "redis://***@cache:6379/0",
  );
});

Deno.test("redactRedisUrl() keeps the user name and hides the password", () => {
  assert.equal(
    redactRedisUrl("rediss://ops:s3cret@cache:6380"),
    "rediss://ops:***@cache:6380",
  );
});

Deno.test("redactRedisUrl() hides all of a password holding @ or /", () => {
  assert.equal(redactRedisUrl("redis://:a@b/c@cache"), "redis://***@cache");
});

Deno.test("redactRedisUrl() hides a bare userinfo and a scheme-less one", () => {
  assert.equal(redactRedisUrl("redis://s3cret@cache"), "redis://***@cache");
  assert.equal(redactRedisUrl(":s3cret@cache:6379"), "***@cache:6379");
});

Deno.test("redactRedisUrl() leaves a URL without credentials alone", () => {
  assert.equal(
    redactRedisUrl("redis://127.0.0.1:6379/2"),
    "redis://127.0.0.1:6379/2",
  );
});
