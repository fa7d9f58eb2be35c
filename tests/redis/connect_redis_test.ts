/**
 * connectRedis() against a real `redis-server`: passwords and ACL users,
 * database selection (kept across a restart), TLS with a private CA, and
 * the one error an operator reads when it fails.
 */
import assert from "node:assert/strict";
import { connectRedis } from "../../src/redis/connect_redis.ts";
import {
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../../src/errors.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { HAS_OPENSSL } from "../support/private_ca.ts";
import { freePort } from "../support/free_port.ts";
import { startTlsRedisServer } from "../support/tls_redis_server.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { serveOneConnection } from "../support/one_connection_server.ts";

async function failure(promise: Promise<unknown>): Promise<Error> {
  return await promise.then(
    () => assert.fail("expected an error"),
    (error: Error) => error,
  );
}

Deno.test("connectRedis() logs in with a password, and refuses a wrong or missing one as an AuthenticationError without it", async () => {
  await using redis = await startRedisServer({
    args: ["--requirepass", "right-one"],
  });
  const base = `127.0.0.1:${redis.port}`;
  await using client = await connectRedis({
    url: `redis://:right-one@${base}`,
  });
  assert.equal(await client.send(["PING"]), "PONG");
  assert.equal(client.description, `redis://***@${base}`);

  const wrong = await failure(
    connectRedis({ url: `redis://:wrong-one@${base}` }),
  );
  assert.ok(wrong instanceof AuthenticationError, String(wrong));
  assert.equal(
    wrong.message,
    `Redis at redis://***@${base} refused the credentials (WRONGPASS invalid username-password pair or user is disabled.); check the password in REDIS_URL`,
  );
  const missing = await failure(connectRedis({ url: `redis://${base}` }));
  assert.ok(missing instanceof AuthenticationError, String(missing));
  assert.match(missing.message, /\(NOAUTH Authentication required\.\)/);
});

Deno.test("connectRedis() logs in as an ACL user (Redis 6+)", async () => {
  await using redis = await startRedisServer();
  {
    await using admin = await connectRedis({ url: redis.url });
    await admin.send([
      "ACL",
      "SETUSER",
      "harvester",
      "on",
      ">p@ss:word",
      "~ua-harvest:*",
      "+@all",
    ]);
  }
  const base = `127.0.0.1:${redis.port}`;
  await using client = await connectRedis({
    url: `redis://harvester:p%40ss%3Aword@${base}`,
  });
  assert.equal(await client.send(["ACL", "WHOAMI"]), "harvester");
  assert.equal(await client.send(["SET", "ua-harvest:x", "1"]), "OK");
  const wrong = await failure(
    connectRedis({ url: `redis://harvester:nope@${base}` }),
  );
  assert.ok(wrong instanceof AuthenticationError, String(wrong));
  assert.doesNotMatch(wrong.message, /nope|p@ss/);
});

Deno.test("connectRedis() goes on when a password is given to a Redis that has none", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({
    url: `redis://:unneeded@127.0.0.1:${redis.port}`,
  });
  assert.equal(await client.send(["PING"]), "PONG");
});

Deno.test("connectRedis() selects the URL's database, again after a restart, and refuses one the server lacks", async () => {
  await using redis = await startRedisServer({
    args: ["--requirepass", "pw", "--databases", "4"],
  });
  const base = `127.0.0.1:${redis.port}`;
  await using client = await connectRedis({ url: `redis://:pw@${base}/3` });
  await using db0 = await connectRedis({ url: `redis://:pw@${base}` });
  await client.send(["SET", "k", "in db 3"]);
  assert.equal(await db0.send(["GET", "k"]), null);
  assert.equal(await client.send(["GET", "k"]), "in db 3");

  await redis.stop();
  await redis.restart();
  // Logged in and on database 3 again after reconnecting.
  assert.equal(await client.send(["SET", "k", "after restart"]), "OK");
  assert.equal(await db0.send(["GET", "k"]), null);
  assert.equal(await db0.send(["SELECT", 3]), "OK");
  assert.equal(await db0.send(["GET", "k"]), "after restart");

  const absent = await failure(connectRedis({ url: `redis://:pw@${base}/5` }));
  assert.ok(absent instanceof ConfigError, String(absent));
  assert.equal(
    absent.message,
    `Redis at redis://***@${base}/5 has no database 5 (ERR DB index is out of range); check the database number in REDIS_URL`,
  );
});

Deno.test("connectRedis() names a Redis nobody listens on as unreachable, without the password", async () => {
  const port = freePort();
  const error = await failure(
    connectRedis({ url: `redis://:s3cret@127.0.0.1:${port}` }),
  );
  assert.ok(error instanceof UnreachableError, String(error));
  assert.match(
    error.message,
    new RegExp(
      `^Redis at redis://\\*\\*\\*@127\\.0\\.0\\.1:${port} is unreachable \\(.*[Cc]onnection refused.*\\); check REDIS_URL and that Redis is running$`,
    ),
  );
});

Deno.test("connectRedis() without a URL connects to host and port", async () => {
  await using redis = await startRedisServer();
  await using client = await connectRedis({
    host: "127.0.0.1",
    port: redis.port,
  });
  assert.equal(client.description, `redis://127.0.0.1:${redis.port}`);
  assert.equal(await client.send(["PING"]), "PONG");
});

Deno.test({
  name:
    "connectRedis() speaks TLS for rediss:// and trusts a private CA through caCertPath (UA_HARVEST_CA_CERT), in one line when it does not",
  ignore: !HAS_OPENSSL,
  async fn() {
    await withTempDir(async (dir) => {
      await using redis = await startTlsRedisServer(dir, {
        args: ["--requirepass", "s3cret"],
      });
      const { ca } = redis;
      const url = `rediss://:s3cret@127.0.0.1:${redis.tlsPort}/1`;
      {
        await using client = await connectRedis({ url, caCertPath: ca.caPath });
        assert.equal(await client.send(["SET", "k", "over TLS"]), "OK");
        assert.equal(await client.send(["GET", "k"]), "over TLS");
        // A reply larger than a TLS record.
        const big = "t".repeat(300_000);
        await client.send(["SET", "big", big]);
        assert.equal(await client.send(["GET", "big"]), big);
      }
      const untrusted = await failure(connectRedis({ url }));
      assert.ok(untrusted instanceof UnreachableError, String(untrusted));
      assert.match(
        untrusted.message,
        /^Redis at rediss:\/\/\*\*\*@127\.0\.0\.1:\d+\/1 presented a TLS certificate this machine does not trust \(.*\): if it is signed by a private CA, set UA_HARVEST_CA_CERT \(or --ca-cert\) to that CA's PEM bundle; not retried$/,
      );
      assert.doesNotMatch(untrusted.message, /s3cret/);
      // TLS to the plain port: no Redis answer, whatever the handshake says.
      const plain = await failure(
        connectRedis({
          url: `rediss://127.0.0.1:${redis.port}`,
          caCertPath: ca.caPath,
          connectTimeoutMs: 500,
        }),
      );
      assert.ok(plain instanceof UnreachableError, String(plain));
    });
  },
});

Deno.test("connectRedis() keeps the password out of an error reply that quotes the AUTH command", async () => {
  // A Redis-compatible server without AUTH answers as Redis does an unknown
  // command: quoting its arguments, the password among them.
  await using server = serveOneConnection(async (conn) => {
    await conn.read(new Uint8Array(4096));
    await conn.write(
      new TextEncoder().encode(
        "-ERR unknown command 'AUTH', with args beginning with: 'harvester' 'p@ss:w0rd/x' \r\n+PONG\r\n",
      ),
    );
    await conn.read(new Uint8Array(4096)).catch(() => null);
  });
  const error = await failure(
    connectRedis({
      url: `redis://harvester:p%40ss%3Aw0rd%2Fx@127.0.0.1:${server.port}`,
    }),
  );
  assert.ok(!error.message.includes("w0rd"), error.message);
  assert.ok(!String((error.cause as Error).message).includes("w0rd"));
  assert.match(
    error.message,
    /with args beginning with: 'harvester' '\*\*\*'/,
  );
});
