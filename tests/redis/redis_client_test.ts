/**
 * The native Redis client against a real `redis-server` (pipelining, large
 * replies, a server restart, a dropped connection, a frozen server) and
 * against loopback servers that answer by script or not at all.
 */
import assert from "node:assert/strict";
import { connectRedis } from "../../src/redis/connect_redis.ts";
import type { RedisClient } from "../../src/redis/redis_client.ts";
import { RedisReplyError } from "../../src/redis/redis_reply.ts";
import { UnreachableError } from "../../src/errors.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { startSilentServer } from "../support/silent_server.ts";
import { serveOneConnection } from "../support/one_connection_server.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await sleep(20);
  assert.ok(done(), what);
}

/** What the reference client (`redis-cli`, shipped with the server) reads. */
async function redisCli(port: number, ...args: string[]): Promise<string> {
  const output = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), "--raw", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout).replace(/\n$/, "");
}

Deno.test("RedisClient pipelines: many commands sent in one tick are answered in order", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({ url: redis.url });
  const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);
  const sets = keys.map((key, i) => client.send(["SET", key, `v${i}`]));
  const gets = keys.map((key) => client.send(["GET", key]));
  const incrs = keys.map(() => client.send(["INCR", "counter"]));
  assert.deepEqual(await Promise.all(sets), keys.map(() => "OK"));
  assert.deepEqual(await Promise.all(gets), keys.map((_, i) => `v${i}`));
  assert.deepEqual(await Promise.all(incrs), keys.map((_, i) => i + 1));
  assert.deepEqual(
    await client.send(["MGET", "k0", "missing", "k499"]),
    ["v0", null, "v499"],
  );
});

Deno.test("RedisClient stores text as the reference client reads it, and reads what it wrote", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({ url: redis.url });
  const value = '{"title":"Zürich ✓ \\r\\n","line":"a\r\nb"}';
  assert.equal(await client.send(["SET", "ours", value, "PX", 60_000]), "OK");
  assert.equal(await redisCli(redis.port, "GET", "ours"), value);
  assert.equal(
    await client.send(["STRLEN", "ours"]),
    new TextEncoder().encode(value).length,
  );
  await redisCli(redis.port, "SET", "theirs", "Ünïcödé ✓");
  assert.equal(await client.send(["GET", "theirs"]), "Ünïcödé ✓");
  const ttl = await client.send(["PTTL", "ours"]);
  assert.ok(typeof ttl === "number" && ttl > 59_000 && ttl <= 60_000);
});

Deno.test("RedisClient reads replies larger than one read: a 5 MiB value and a 2 MiB MGET", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({ url: redis.url });
  const big = "0123456789abcdef".repeat(5 * 65536);
  await client.send(["SET", "big", big]);
  assert.equal(await client.send(["GET", "big"]), big);
  const episode = "e".repeat(10_000);
  const keys = Array.from({ length: 200 }, (_, i) => `ep${i}`);
  await Promise.all(keys.map((key) => client.send(["SET", key, episode])));
  const values = await client.send(["MGET", ...keys]);
  assert.ok(Array.isArray(values));
  assert.equal(values.length, 200);
  assert.ok(values.every((value) => value === episode));
});

Deno.test("RedisClient rejects an error reply with RedisReplyError and goes on", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({ url: redis.url });
  await client.send(["SET", "text", "x"]);
  const failing = client.send(["INCR", "text"]);
  const next = client.send(["GET", "text"]);
  await assert.rejects(
    failing,
    (error: unknown) =>
      error instanceof RedisReplyError && error.code === "ERR" &&
      /not an integer/.test(error.message),
  );
  assert.equal(await next, "x");
  // Lua's false is a null bulk string in RESP2.
  assert.deepEqual(
    await client.send(["EVAL", "return {1, 'two', false}", 0]),
    [1, "two", null],
  );
});

Deno.test("RedisClient gives up on a frozen server after the command timeout, and its late reply does not shift the next ones", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({
    url: redis.url,
    commandTimeoutMs: 300,
  });
  await client.send(["SET", "a", "first"]);
  await client.send(["SET", "b", "second"]);
  redis.freeze();
  const startedAt = performance.now();
  await assert.rejects(
    client.send(["GET", "a"]),
    (error: unknown) =>
      error instanceof UnreachableError &&
      error.message === "no answer within 300 ms",
  );
  const waited = performance.now() - startedAt;
  assert.ok(waited >= 290 && waited < 3000, `${waited} ms`);
  redis.thaw();
  // The reply to GET a arrives now and is skipped: GET b gets its own.
  assert.equal(await client.send(["GET", "b"]), "second");
  assert.equal(
    await client.send(["GET", "a"], { timeoutMs: 2000 }),
    "first",
  );
});

Deno.test("RedisClient fails fast while Redis is down, reconnects once it is back and says so", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({ url: redis.url });
  let reconnects = 0;
  client.addEventListener("reconnect", () => reconnects++);
  await client.send(["SET", "k", "v"]);
  await redis.stop();
  const startedAt = performance.now();
  await assert.rejects(
    client.send(["GET", "k"]),
    (error: unknown) =>
      error instanceof UnreachableError &&
      /^(Redis is down|the connection to Redis was lost) \(/.test(
        error.message,
      ),
  );
  // Within a reconnection attempt (200 ms, then 400 ms…), not the 5 s timeout.
  assert.ok(performance.now() - startedAt < 2000);
  assert.equal(client.status, "reconnecting");
  assert.equal(reconnects, 0);
  await redis.restart();
  await waitUntil("reconnected", () => client.status === "ready");
  assert.equal(reconnects, 1);
  // The restarted Redis is empty.
  assert.equal(await client.send(["GET", "k"]), null);
  assert.equal(await client.send(["SET", "k", "again"]), "OK");
});

Deno.test("RedisClient sends a command given while it reconnects once the connection is back", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({ url: redis.url });
  await redis.stop();
  await redis.restart();
  // Whether the client noticed yet or not, the command goes through.
  assert.equal(await client.send(["PING"]), "PONG");
});

Deno.test("RedisClient keeps reconnecting for as long as Redis is down, and fails the commands owed by a dropped connection at once", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({ url: redis.url });
  await using admin = await connectRedis({ url: redis.url });
  const reconnected = Promise.withResolvers<void>();
  client.addEventListener("reconnect", () => reconnected.resolve(), {
    once: true,
  });
  // A command the server holds (up to 5 s) when the connection drops.
  const blocked = client.send(["BLPOP", "nothing", 5]);
  await sleep(50);
  const failed = assert.rejects(
    blocked,
    (error: unknown) =>
      error instanceof UnreachableError &&
      /connection to Redis was lost/.test(error.message),
  );
  const killedAt = performance.now();
  await admin.send(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
  await failed;
  assert.ok(performance.now() - killedAt < 1000);
  await reconnected.promise;
  assert.equal(await client.send(["PING"]), "PONG");
  // Down for several attempts (200, 400, 600 ms…): still trying, then back.
  let attempts = 0;
  client.addEventListener("reconnecting", () => attempts++);
  await redis.stop();
  await waitUntil("four attempts", () => attempts >= 4);
  assert.equal(client.status, "reconnecting");
  await redis.restart();
  await waitUntil(
    "reconnected after 1.5 s down",
    () => client.status === "ready",
  );
});

Deno.test("RedisClient once closed refuses commands, and quit() and close() may be called again", async () => {
  await using redis = await startRedisServer();
  const client = await connectRedis({ url: redis.url });
  await client.quit();
  assert.equal(client.status, "closed");
  await assert.rejects(
    client.send(["PING"]),
    (error: unknown) =>
      error instanceof UnreachableError &&
      error.message === "the Redis connection is closed",
  );
  await client.quit();
  await client.close();
});

Deno.test("RedisClient closed while Redis is down stops reconnecting and fails what waited", async () => {
  await using redis = await startRedisServer();
  const client = await connectRedis({ url: redis.url });
  await redis.stop();
  const waiting = client.send(["PING"], { timeoutMs: 10_000 });
  await client.close();
  await assert.rejects(waiting, /closed|down|lost/);
  assert.equal(client.status, "closed");
});

Deno.test("connectRedis() gives up on a server that accepts the connection and never answers", async () => {
  await using silent = startSilentServer();
  const startedAt = performance.now();
  await assert.rejects(
    connectRedis({
      url: `redis://:s3cret@127.0.0.1:${silent.port}/2`,
      connectTimeoutMs: 300,
    }),
    (error: unknown) =>
      error instanceof UnreachableError &&
      error.message ===
        `Redis at redis://***@127.0.0.1:${silent.port}/2 is unreachable (no answer within 300 ms); check REDIS_URL and that Redis is running`,
  );
  assert.ok(performance.now() - startedAt < 2000);
  assert.equal(silent.connections, 1);
  // Over TLS: a handshake nobody answers ends at the same deadline, and the
  // line says what a plain Redis port does with one (rediss:// to redis).
  await assert.rejects(
    connectRedis({
      url: `rediss://127.0.0.1:${silent.port}`,
      connectTimeoutMs: 300,
    }),
    (error: unknown) =>
      error instanceof UnreachableError &&
      /is unreachable \(no answer to the TLS handshake within 300 ms: if this port speaks plain Redis, the URL must start with redis:\/\/\)/
        .test(error.message),
  );
  assert.equal(silent.connections, 2);
});

Deno.test("connectRedis() says a port that hangs up before any answer may speak TLS", async () => {
  // What a Redis TLS port does with plain text: it resets the connection.
  await using server = serveOneConnection(async (conn) => {
    await conn.read(new Uint8Array(4096));
  });
  const { port } = server;
  await assert.rejects(
    connectRedis({ url: `redis://:s3cret@127.0.0.1:${port}` }),
    (error: unknown) =>
      error instanceof UnreachableError &&
      error.message ===
        `Redis at redis://***@127.0.0.1:${port} is unreachable (the connection to Redis was lost (the server closed the connection); if this port speaks TLS, the URL must start with rediss://); check REDIS_URL and that Redis is running`,
  );
});

/**
 * A loopback server that records what arrives and answers each command
 * with the next scripted reply once `answer()` is called, all in one write
 * or split as asked.
 */
function startScriptedServer() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const chunks: string[] = [];
  let conn: Deno.Conn | undefined;
  const accepted = (async () => {
    conn = await listener.accept();
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        chunks.push(new TextDecoder().decode(buffer.subarray(0, n)));
      }
    } catch {
      // Closed.
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    chunks,
    async answer(...parts: string[]) {
      for (const part of parts) {
        await conn!.write(new TextEncoder().encode(part));
        await sleep(10);
      }
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      try {
        conn?.close();
      } catch {
        // Closed by the client.
      }
      await accepted;
    },
  };
}

Deno.test("RedisClient writes the commands of one tick together and matches replies however they are split", async () => {
  await using server = startScriptedServer();
  const connecting = connectRedis({
    url: `redis://127.0.0.1:${server.port}`,
  });
  await waitUntil("PING arrived", () => server.chunks.join("") !== "");
  assert.deepEqual(server.chunks, ["*1\r\n$4\r\nPING\r\n"]);
  await server.answer("+PONG\r\n");
  const client: RedisClient = await connecting;
  try {
    server.chunks.length = 0;
    const replies = [
      client.send(["GET", "a"]),
      client.send(["GET", "b"]),
      client.send(["MGET", "a", "b"]),
    ];
    await waitUntil(
      "three commands",
      () => server.chunks.join("").length >= 66,
    );
    assert.deepEqual(server.chunks, [
      "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nb\r\n",
    ]);
    await server.answer(
      "$3\r\none\r\n$3\r\ntw",
      "o\r\n*2\r\n$3\r\none\r\n$-",
      "1\r\n",
    );
    assert.deepEqual(await Promise.all(replies), ["one", "two", ["one", null]]);
  } finally {
    await client.close();
  }
});

Deno.test("RedisClient drops a connection that speaks something else than RESP2, and the waiting command fails", async () => {
  await using server = startScriptedServer();
  const connecting = connectRedis({
    url: `redis://127.0.0.1:${server.port}`,
    connectTimeoutMs: 2000,
  });
  const refused = assert.rejects(
    connecting,
    (error: unknown) =>
      error instanceof UnreachableError &&
      /is unreachable \(Redis sent a reply starting with byte 72 \("H"\), which is not RESP2: is this port a Redis server\);/
        .test(error.message),
  );
  await waitUntil("PING arrived", () => server.chunks.length > 0);
  await server.answer("HTTP/1.1 400 Bad Request\r\n\r\n");
  await refused;
});
