import assert from "node:assert/strict";
import {
  acquireRedisRunLock,
  type RedisRunLockOptions,
} from "../../src/lock/redis_run_lock.ts";
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  LockedError,
  UnreachableError,
} from "../../src/errors.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { startRedisWithClient } from "../support/redis_client.ts";
import { connectRedis } from "../../src/redis/connect_redis.ts";
import type { RedisClient } from "../../src/redis/redis_client.ts";
import { waitFor } from "../support/wait_for.ts";
import { serveOneConnection } from "../support/one_connection_server.ts";

const KEY = "ua-harvest:lock:test";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The lock on KEY through `client`, with these timings. */
function lockOn(
  client: RedisClient,
  timings: Pick<
    RedisRunLockOptions,
    "ttlMs" | "renewEveryMs" | "renewTimeoutMs"
  >,
) {
  return acquireRedisRunLock({ client, key: KEY, ...timings });
}

Deno.test("acquireRedisRunLock() refuses a second holder with LockedError", async () => {
  await using redis = await startRedisServer();
  await using lock = await acquireRedisRunLock({ url: redis.url, key: KEY });
  assert.match(lock.description, /ua-harvest:lock:test/);
  await assert.rejects(
    acquireRedisRunLock({ url: redis.url, key: KEY }),
    (error: unknown) =>
      error instanceof LockedError &&
      error.message.includes(KEY) &&
      /expires by itself within 60 s/.test(error.message),
  );
});

Deno.test("acquireRedisRunLock() keeps renewing the lock while held", async () => {
  await using redis = await startRedisWithClient();
  const { client } = redis;
  await using _lock = await lockOn(client, { ttlMs: 300, renewEveryMs: 50 });
  // Well past the time to live: only renewal keeps the key alive.
  await sleep(700);
  await assert.rejects(
    acquireRedisRunLock({ client, key: KEY }),
    LockedError,
  );
  const ttl = await client.send(["PTTL", KEY]) as number;
  assert.ok(ttl > 0 && ttl <= 300, `pttl ${ttl}`);
});

Deno.test("acquireRedisRunLock() does not release a lock another run took over", async () => {
  await using redis = await startRedisWithClient();
  const { client } = redis;
  {
    await using _lock = await acquireRedisRunLock({ client, key: KEY });
    // Our lock expired while we were stopped and another run took it.
    await client.send(["SET", KEY, "newer-run-token", "PX", 60_000]);
  }
  assert.equal(await client.send(["GET", KEY]), "newer-run-token");
  // The given client stays open.
  assert.equal(await client.send(["PING"]), "PONG");
});

Deno.test("acquireRedisRunLock() rejects a renewal interval not shorter than the time to live", async () => {
  await assert.rejects(
    acquireRedisRunLock({
      url: "redis://127.0.0.1:1",
      key: KEY,
      ttlMs: 1000,
      renewEveryMs: 1000,
    }),
    ConfigError,
  );
});

Deno.test("acquireRedisRunLock() aborts `lost` with LockedError when another run took the key", async () => {
  await using redis = await startRedisWithClient();
  const { client } = redis;
  await using lock = await lockOn(client, { ttlMs: 3000, renewEveryMs: 50 });
  assert.equal(lock.lost?.aborted, false);
  // The key expired during a stall and a second run took it.
  await client.send(["SET", KEY, "another-run-token", "PX", 60_000]);
  for (let i = 0; i < 100 && !lock.lost?.aborted; i++) await sleep(20);
  assert.equal(lock.lost?.aborted, true);
  assert.ok(lock.lost?.reason instanceof LockedError);
  assert.match((lock.lost?.reason as Error).message, /Lost the run lock/);
  assert.equal(
    await client.send(["GET", KEY]),
    "another-run-token",
    "the other run's key is left alone",
  );
});

Deno.test("acquireRedisRunLock() counts the lock lost before it expires when a frozen Redis lets no renewal through", async () => {
  await using redis = await startRedisServer();
  const client = await connectRedis({
    url: redis.url,
    commandTimeoutMs: 10_000,
  });
  try {
    const ttlMs = 1200;
    await using lock = await acquireRedisRunLock({
      client,
      key: KEY,
      ttlMs,
      renewEveryMs: 300,
      renewTimeoutMs: 5000,
    });
    const frozenAt = performance.now();
    redis.freeze();
    // A bound on a hang, not a speed measurement: lost well before the key
    // would have expired (at most ttlMs after the last renewal was sent).
    for (let i = 0; i < 200 && !lock.lost?.aborted; i++) await sleep(20);
    const lostAfter = performance.now() - frozenAt;
    redis.thaw();
    assert.equal(lock.lost?.aborted, true, "lost");
    assert.ok(lock.lost?.reason instanceof LockedError);
    assert.match(
      (lock.lost?.reason as Error).message,
      /Could not renew the run lock .* in time \(no answer within 300 ms\)/,
    );
    assert.ok(lostAfter < ttlMs, `lost after ${lostAfter} ms`);
  } finally {
    await client.close();
  }
});

Deno.test("acquireRedisRunLock() counts the lock lost when a Redis restart dropped the key", async () => {
  await using redis = await startRedisServer();
  const client = await connectRedis({ url: redis.url });
  try {
    await using lock = await lockOn(client, { ttlMs: 6000, renewEveryMs: 100 });
    await redis.stop();
    await redis.restart();
    for (let i = 0; i < 200 && !lock.lost?.aborted; i++) await sleep(20);
    assert.equal(lock.lost?.aborted, true);
    assert.match((lock.lost?.reason as Error).message, /Lost the run lock/);
    assert.equal(
      await client.send(["EXISTS", KEY]),
      0,
      "nothing re-created the key",
    );
  } finally {
    await client.close();
  }
});

Deno.test("acquireRedisRunLock() on a connectRedis() client notices at once that a Redis restart dropped the key, long before its next renewal", async () => {
  await using redis = await startRedisServer();
  const client = await connectRedis({ url: redis.url });
  let reconnects = 0;
  client.addEventListener("reconnecting", () => reconnects++);
  try {
    // Renewed only every 15 s: only the reconnection can act in time.
    await using lock = await lockOn(client, {
      ttlMs: 60_000,
      renewEveryMs: 15_000,
    });
    await redis.stop();
    // Down for longer than a few reconnect attempts: the client keeps trying.
    await waitFor(() => reconnects >= 3, "three reconnect attempts", 10_000);
    const restartedAt = performance.now();
    await redis.restart();
    for (let i = 0; i < 250 && !lock.lost?.aborted; i++) await sleep(20);
    assert.equal(lock.lost?.aborted, true, "lost after the restart");
    assert.match((lock.lost?.reason as Error).message, /Lost the run lock/);
    assert.ok(performance.now() - restartedAt < 5000);
  } finally {
    await client.close();
  }
});

Deno.test("acquireRedisRunLock() on a connectRedis() client keeps a lock whose key survived the dropped connection", async () => {
  await using redis = await startRedisServer();
  const client = await connectRedis({ url: redis.url });
  const admin = await connectRedis({ url: redis.url });
  try {
    // Renewed only every 15 s: only the reconnection can act in time.
    await using lock = await lockOn(client, {
      ttlMs: 60_000,
      renewEveryMs: 15_000,
    });
    // Ten seconds of the TTL gone, as if the run had held it that long.
    await admin.send(["PEXPIRE", KEY, 50_000]);
    const reconnected = new Promise((resolve) =>
      client.addEventListener("reconnect", resolve, { once: true })
    );
    // The server drops this client's connection; the key stays.
    await admin.send(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
    await reconnected;
    assert.equal(client.status, "ready", "reconnected");
    // Renewed on reconnection, long before the next renewal is due: without
    // it, the key would keep the 50 s it had left.
    let left = await admin.send(["PTTL", KEY]) as number;
    for (let i = 0; i < 100 && left <= 59_400; i++) {
      await sleep(20);
      left = await admin.send(["PTTL", KEY]) as number;
    }
    assert.ok(left > 59_400, `${left} ms left`);
    assert.equal(lock.lost?.aborted, false);
  } finally {
    await admin.close();
    await client.close();
  }
});

Deno.test("acquireRedisRunLock() names the lock and the Redis when the server refuses the SET (a read-only replica)", async () => {
  await using redis = await startRedisWithClient();
  const { client } = redis;
  // REDIS_URL pointing at a replica after a failover: writes are refused.
  await client.send(["REPLICAOF", "127.0.0.1", "1"]);
  try {
    await assert.rejects(
      acquireRedisRunLock({ client, key: KEY }),
      (error: unknown) => {
        assert.ok(error instanceof ApiContractError, String(error));
        assert.match(
          error.message,
          new RegExp(
            `^Cannot take the run lock ${KEY} in redis://127\\.0\\.0\\.1:${redis.server.port}: READONLY `,
          ),
        );
        return true;
      },
    );
  } finally {
    await client.send(["REPLICAOF", "NO", "ONE"]);
  }
});

Deno.test("acquireRedisRunLock() names the lock and the Redis when the connection drops in the middle of the reply", async () => {
  // Answers the login, then cuts the SET's reply short.
  await using server = serveOneConnection(async (conn) => {
    const buffer = new Uint8Array(4096);
    await conn.read(buffer);
    await conn.write(new TextEncoder().encode("+OK\r\n+PONG\r\n"));
    await conn.read(buffer);
    await conn.write(new TextEncoder().encode("$100\r\nO"));
  });
  const { port } = server;
  const client = await connectRedis({ url: `redis://:pw12@127.0.0.1:${port}` });
  try {
    await assert.rejects(
      acquireRedisRunLock({ client, key: KEY }),
      (error: unknown) => {
        assert.ok(error instanceof UnreachableError, String(error));
        assert.equal(
          error.message,
          `Cannot take the run lock ${KEY} in redis://***@127.0.0.1:${port}: the connection to Redis was lost (the server closed the connection)`,
        );
        return true;
      },
    );
  } finally {
    await client.close();
  }
});

Deno.test("acquireRedisRunLock() refuses at once an ACL user that may not run what the lock needs (exit 3, not exit 8 mid-run)", async () => {
  await using redis = await startRedisWithClient();
  const { client, server } = redis;
  const cases: [string[], RegExp][] = [
    // No EVAL: the lock could be taken but never renewed nor released.
    [
      ["+set", "+get", "+pttl", "+del"],
      /^Redis user 'harvester' at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ may not run what the run lock needs \(NOPERM [^)]*'eval'[^)]*\): allow SET, EVAL, PTTL and DEL for it \(ACL SETUSER harvester \+set \+eval \+pttl \+del\)$/,
    ],
    [
      ["+get", "+pttl", "+eval"],
      /^Redis user 'harvester' at .* may not run what the run lock needs \(NOPERM [^)]*'set'[^)]*\)/,
    ],
  ];
  for (const [commands, message] of cases) {
    await client.send(["ACL", "SETUSER", "harvester", "reset"]);
    await client.send([
      "ACL",
      "SETUSER",
      "harvester",
      "on",
      ">pw-harvest",
      "~*",
      "+ping",
      ...commands,
    ]);
    const restricted = await connectRedis({
      url: `redis://harvester:pw-harvest@127.0.0.1:${server.port}`,
    });
    try {
      await assert.rejects(
        acquireRedisRunLock({ client: restricted, key: KEY }),
        (error: unknown) => {
          assert.ok(error instanceof AuthenticationError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    } finally {
      await restricted.close();
    }
    // Nothing left behind for the next run to wait out.
    assert.equal(await client.send(["GET", KEY]), null);
  }
});
