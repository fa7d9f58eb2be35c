import assert from "node:assert/strict";
import { createRedisEpisodeCache } from "../../src/cache/redis_episode_cache.ts";
import {
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../../src/errors.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { startRedisWithClient } from "../support/redis_client.ts";
import { freePort } from "../support/free_port.ts";

Deno.test("createRedisEpisodeCache() throws UnreachableError when nothing listens, without the password", async () => {
  const url = `redis://:s3cret@127.0.0.1:${freePort()}`;
  const error = await createRedisEpisodeCache({ url }).then(
    () => assert.fail("expected an error"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof UnreachableError, String(error));
  assert.match(error.message, /redis:\/\/\*\*\*@127\.0\.0\.1:\d+/);
  assert.doesNotMatch(error.message, /s3cret/);
});

Deno.test("createRedisEpisodeCache() gives up on a server that never answers after connectTimeoutMs", async () => {
  // Accepts connections and says nothing, like a hung Redis.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) conns.push(conn);
  })();
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    await assert.rejects(
      createRedisEpisodeCache({
        url: `redis://127.0.0.1:${port}`,
        connectTimeoutMs: 300,
      }),
      (error: unknown) =>
        error instanceof UnreachableError &&
        /no answer within 300 ms/.test(error.message),
    );
  } finally {
    listener.close();
    await accepting;
    for (const conn of conns) {
      try {
        conn.close();
      } catch {
        // Closed by the client already.
      }
    }
  }
});

Deno.test("createRedisEpisodeCache() rejects a URL that is not redis://, without the password", async () => {
  await assert.rejects(
    createRedisEpisodeCache({ url: "http://admin:s3cret@cache:6379" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes("http://***@cache:6379") &&
      !error.message.includes("s3cret"),
  );
});

Deno.test("createRedisEpisodeCache() throws AuthenticationError for a wrong password, without it", async () => {
  await using redis = await startRedisServer({
    args: ["--requirepass", "right-one"],
  });
  const error = await createRedisEpisodeCache({
    url: `redis://:wrong-one@127.0.0.1:${redis.port}`,
  }).then(() => assert.fail("expected an error"), (error: unknown) => error);
  assert.ok(error instanceof AuthenticationError, String(error));
  assert.doesNotMatch(error.message, /wrong-one|right-one/);
});

Deno.test("createRedisEpisodeCache() connects with a password and keeps it out of the description", async () => {
  await using redis = await startRedisServer({
    args: ["--requirepass", "s3cret"],
  });
  await using cache = await createRedisEpisodeCache({
    url: `redis://:s3cret@127.0.0.1:${redis.port}`,
  });
  await cache.setMany([{ key: "mp-1", value: "x", ttlSeconds: 60 }]);
  assert.deepEqual(await cache.getMany(["mp-1"]), new Map([["mp-1", "x"]]));
  assert.doesNotMatch(cache.description, /s3cret/);
  assert.match(cache.description, /redis:\/\/\*\*\*@127\.0\.0\.1/);
});

Deno.test("createRedisEpisodeCache() prefixes keys, sets their expiry and leaves a given client open", async () => {
  await using redis = await startRedisWithClient();
  const { client } = redis;
  {
    await using cache = await createRedisEpisodeCache({
      client,
      keyPrefix: "test:ep:",
    });
    await cache.setMany([{ key: "mp-1", value: "x", ttlSeconds: 1800 }]);
  }
  assert.equal(await client.send(["GET", "test:ep:mp-1"]), "x");
  const ttl = await client.send(["PTTL", "test:ep:mp-1"]) as number;
  assert.ok(ttl > 1_700_000 && ttl <= 1_800_000, `pttl ${ttl}`);
  assert.equal(await client.send(["PING"]), "PONG");
});

Deno.test("createRedisEpisodeCache() uses the default key prefix", async () => {
  await using redis = await startRedisWithClient();
  const { client } = redis;
  const cache = await createRedisEpisodeCache({ client });
  await cache.setMany([{ key: "mp-1", value: "x", ttlSeconds: 60 }]);
  assert.equal(await client.send(["GET", "ua-harvest:episode:mp-1"]), "x");
});

Deno.test("createRedisEpisodeCache() fails with UnreachableError when Redis goes down mid-run", async () => {
  await using redis = await startRedisServer();
  await using cache = await createRedisEpisodeCache({
    host: "127.0.0.1",
    port: redis.port,
  });
  await cache.setMany([{ key: "mp-1", value: "x", ttlSeconds: 60 }]);
  await redis.stop();
  await assert.rejects(cache.getMany(["mp-1"]), UnreachableError);
  await assert.rejects(
    cache.setMany([{ key: "mp-2", value: "y", ttlSeconds: 60 }]),
    UnreachableError,
  );
});

Deno.test("createRedisEpisodeCache() works again after a short Redis restart", async () => {
  await using redis = await startRedisServer();
  await using cache = await createRedisEpisodeCache({ url: redis.url });
  await redis.stop();
  await redis.restart();
  // The restarted Redis is empty; the client reconnects within its retries.
  await cache.setMany([{ key: "mp-1", value: "x", ttlSeconds: 60 }]);
  assert.deepEqual(await cache.getMany(["mp-1"]), new Map([["mp-1", "x"]]));
});
