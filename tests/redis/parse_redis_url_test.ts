import assert from "node:assert/strict";
import { parseRedisUrl } from "../../src/redis/parse_redis_url.ts";
import { ConfigError } from "../../src/errors.ts";

Deno.test("parseRedisUrl() reads host, port, TLS, user, password and database", () => {
  assert.deepEqual(parseRedisUrl("redis://cache.example.edu"), {
    hostname: "cache.example.edu",
    port: 6379,
    tls: false,
    db: 0,
  });
  assert.deepEqual(parseRedisUrl("rediss://harvester:s3cret@10.0.0.5:6380/3"), {
    hostname: "10.0.0.5",
    port: 6380,
    tls: true,
    username: "harvester",
    password: "s3cret",
    db: 3,
  });
  assert.deepEqual(parseRedisUrl("REDIS://:s3cret@[::1]:7000/"), {
    hostname: "::1",
    port: 7000,
    tls: false,
    password: "s3cret",
    db: 0,
  });
});

Deno.test("parseRedisUrl() percent-decodes the user and password", () => {
  const { username, password } = parseRedisUrl(
    "redis://ops%40edu:p%40ss%3Aw%2Fd@cache:6379/0",
  );
  assert.equal(username, "ops@edu");
  assert.equal(password, "p@ss:w/d");
});

Deno.test("parseRedisUrl() takes the database from ?db= as ioredis did, the path winning", () => {
  assert.equal(parseRedisUrl("redis://cache?db=4").db, 4);
  assert.equal(parseRedisUrl("redis://cache/2?db=4").db, 2);
});

Deno.test("parseRedisUrl() refuses what it cannot connect with as written, without the password", () => {
  const cases: [string, RegExp][] = [
    [
      "http://admin:s3cret@cache:6379",
      /is not a redis:\/\/ or rediss:\/\/ URL/,
    ],
    ["redis:///0", /is not a redis/],
    ["redis://:s3cret@cache:99999", /is not a valid URL/],
    ["redis://:s3cret@cache/abc", /names a database that is not a number/],
    ["redis://:s3cret@cache?db=x", /names a database that is not a number/],
    [
      "redis://:s3cret@cache?family=6",
      /query parameter "family", which is not read/,
    ],
    ["redis://:s3cr%ZZ@cache", /broken %-escape/],
  ];
  for (const [url, message] of cases) {
    assert.throws(
      () => parseRedisUrl(url),
      (error: unknown) =>
        error instanceof ConfigError && message.test(error.message) &&
        !error.message.includes("s3cr"),
      url,
    );
  }
});
